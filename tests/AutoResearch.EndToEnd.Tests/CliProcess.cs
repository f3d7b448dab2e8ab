using System.Diagnostics;
using System.Text;

namespace AutoResearch.EndToEnd.Tests;

/// <summary>The real <c>autoresearch</c> CLI in its own process, with its output captured.</summary>
public sealed class CliProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private readonly string _command;

    private CliProcess(Process process, string command)
    {
        _process = process;
        _command = command;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public static CliProcess Start(string dataDirectory, params string[] args) => Start(dataDirectory, null, args);

    /// <summary>Starts the CLI with extra environment variables (e.g. model endpoint settings).</summary>
    public static CliProcess Start(string dataDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartProcess(dataDirectory, environment, null, args);

    /// <summary>Starts the CLI with <paramref name="input"/> on its stdin, which is closed after it.</summary>
    public static CliProcess StartWithInput(string dataDirectory, string input, IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartProcess(dataDirectory, environment, input, args);

    /// <summary>
    /// Starts the CLI with Ctrl+C (SIGINT) at its default action, as a terminal's foreground command has it, whatever this test
    /// run inherited: a run started in the background of a script without job control (<c>cmd &amp;</c>, nohup) ignores SIGINT,
    /// its children inherit that, and .NET leaves an ignored signal ignored, so <see cref="Interrupt"/> would do nothing.
    /// </summary>
    public static CliProcess StartInteractive(string dataDirectory, params string[] args) =>
        StartProcess(dataDirectory, null, null, args, defaultSignals: true);

    private static CliProcess StartProcess(string dataDirectory, IReadOnlyDictionary<string, string>? environment, string? input, string[] args,
        bool defaultSignals = false)
    {
        // GNU env resets the signals' handling and execs dotnet in the same process (same pid).
        var info = new ProcessStartInfo(defaultSignals ? "env" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            WorkingDirectory = RepoPaths.Root,
        };
        if (defaultSignals)
        {
            info.ArgumentList.Add("--default-signal=INT");
            info.ArgumentList.Add("dotnet");
        }
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        info.ArgumentList.Add(RepoPaths.CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        info.ArgumentList.Add("--data");
        info.ArgumentList.Add(dataDirectory);
        var process = new CliProcess(Process.Start(info)!, "autoresearch " + string.Join(' ', args));
        if (input is not null)
        {
            process._process.StandardInput.Write(input);
            process._process.StandardInput.Close();
        }
        return process;
    }

    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public string Stdout { get { lock (_stdout) return _stdout.ToString(); } }
    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    /// <summary>Waits for the exit and returns the exit code; kills and throws on timeout.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_command} did not finish within {timeout}. stderr:\n{Tail(Stderr)}");
        }
        _process.WaitForExit(); // flush the async readers
        return _process.ExitCode;
    }

    /// <summary>SIGINT, like Ctrl+C in a terminal.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!;
        kill.WaitForExit();
        if (kill.ExitCode != 0) throw new InvalidOperationException($"kill -INT {_process.Id} failed with exit code {kill.ExitCode}");
    }

    /// <summary>Whether the process ignores SIGINT (Linux: its <c>/proc</c> status; false where that cannot be read).</summary>
    public bool IgnoresInterrupt
    {
        get
        {
            var path = $"/proc/{_process.Id}/status";
            if (!File.Exists(path)) return false;
            var line = File.ReadLines(path).FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
            return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (2 - 1))) != 0; // SIGINT is 2
        }
    }

    /// <summary>SIGKILL, like <c>kill -9</c>: no shutdown code runs.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: false);
        _process.WaitForExit();
    }

    public string LastStdoutLine => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? "";

    public static string Tail(string text, int chars = 4000) => text.Length <= chars ? text : text[^chars..];

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
