using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using AutoResearch.Testing.Browser;

namespace AutoResearch.Web.BrowserTests;

/// <summary>
/// <c>autoresearch serve</c> in its own process on a free localhost port with a fresh data folder (as <c>./build.sh serve</c>
/// runs it), and one headless Chromium. Shared by the console's browser tests.
/// </summary>
public sealed class ServedConsole : IAsyncLifetime
{
    public const string Password = "browser-night-password";

    private readonly StringBuilder _output = new();
    private Process? _process;
    private HeadlessChromium? _chromium;

    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "ar-console-" + Guid.NewGuid().ToString("N")[..8]);
    public string BaseUrl { get; private set; } = "";
    public HeadlessChromium Chromium => _chromium ?? throw new InvalidOperationException("The browser has not started.");

    /// <summary>What the server printed (stdout and stderr), for failure messages.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    public async Task InitializeAsync()
    {
        BaseUrl = $"http://127.0.0.1:{FreePort()}";
        await StartServerAsync();
        _chromium = await HeadlessChromium.LaunchAsync();
    }

    /// <summary>Kills the server (as a crash or a host going away would) and starts it again on the same address and data.</summary>
    public async Task RestartAsync(TimeSpan? down = null)
    {
        await StopServerAsync();
        if (down is { } pause) await Task.Delay(pause);
        await StartServerAsync();
    }

    /// <summary>Kills the server; the browser keeps its pages.</summary>
    public async Task StopServerAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await _process.WaitForExitAsync(bound.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"autoresearch serve (pid {_process.Id}) did not exit within 30 s of being killed");
            }
        }
        _process?.Dispose();
        _process = null;
    }

    private async Task StartServerAsync()
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestArtifacts.RepositoryRoot() ?? throw new InvalidOperationException("No repository above " + AppContext.BaseDirectory),
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "autoresearch.dll"));
        foreach (var arg in new[] { "serve", "--urls", BaseUrl, "--data", DataDirectory }) info.ArgumentList.Add(arg);
        info.Environment["AUTORESEARCH_ADMIN_PASSWORD"] = Password;
        _process = Process.Start(info)!;
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(90);
        while (true)
        {
            if (_process.HasExited) throw new InvalidOperationException($"autoresearch serve exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if ((await http.GetAsync($"{BaseUrl}/health")).IsSuccessStatusCode) break;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            if (DateTime.UtcNow > until) throw new TimeoutException($"autoresearch serve did not answer /health within 90 s:\n{Output}");
            await Task.Delay(300);
        }
    }

    public async Task DisposeAsync()
    {
        if (_chromium is not null) await _chromium.DisposeAsync();
        await StopServerAsync();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left in /tmp.
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
