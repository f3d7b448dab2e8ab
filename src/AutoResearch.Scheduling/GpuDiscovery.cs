using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;

namespace AutoResearch.Scheduling;

/// <summary>Finds the host's GPUs with <c>nvidia-smi</c>; a host without it (or where it fails) has none.</summary>
public static class GpuDiscovery
{
    /// <summary>The arguments given to nvidia-smi.</summary>
    public const string Query = "--query-gpu=index,uuid --format=csv,noheader";

    /// <summary>How long nvidia-smi may take before discovery gives up.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The device indexes, in order, from the output of <c>nvidia-smi --query-gpu=index,uuid --format=csv,noheader</c>
    /// (lines such as <c>0, GPU-5f6a2c3e-...</c>). Blank lines are ignored.
    /// </summary>
    /// <exception cref="FormatException">A line is not <c>index, GPU-uuid</c>, or an index repeats; the message quotes the line.</exception>
    public static IReadOnlyList<string> Parse(string nvidiaSmiCsv)
    {
        ArgumentNullException.ThrowIfNull(nvidiaSmiCsv);
        var ids = new List<string>();
        foreach (var raw in nvidiaSmiCsv.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length != 2
                || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
                || !fields[1].StartsWith("GPU-", StringComparison.Ordinal) || fields[1].Length <= "GPU-".Length)
            {
                throw new FormatException($"Unexpected nvidia-smi output line '{line}': expected 'index, GPU-uuid'.");
            }
            var id = index.ToString(CultureInfo.InvariantCulture);
            if (ids.Contains(id)) throw new FormatException($"Unexpected nvidia-smi output line '{line}': GPU index {id} appears twice.");
            ids.Add(id);
        }
        return ids;
    }

    /// <summary>
    /// Runs nvidia-smi from PATH (for at most <see cref="Timeout"/>) and returns the GPU indexes; an empty list when it is not on
    /// PATH, fails, times out or prints something unexpected. Logs nothing.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static Task<IReadOnlyList<string>> DiscoverAsync(CancellationToken cancellationToken) =>
        FindOnPath("nvidia-smi") is { } exe ? DiscoverAsync(exe, Timeout, cancellationToken) : Task.FromResult<IReadOnlyList<string>>([]);

    /// <summary>Runs <paramref name="executable"/> with <see cref="Query"/> as nvidia-smi; see <see cref="DiscoverAsync(CancellationToken)"/>.</summary>
    internal static async Task<IReadOnlyList<string>> DiscoverAsync(string executable, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Process? process = null;
        try
        {
            process = Process.Start(new ProcessStartInfo(executable, Query)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                RedirectStandardInput = true,
                UseShellExecute = false,
            });
            if (process is null) return [];
            process.StandardInput.Close();
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            var output = process.StandardOutput.ReadToEndAsync(limit.Token);
            var errors = process.StandardError.ReadToEndAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            var text = await output;
            await errors;
            return process.ExitCode == 0 ? Parse(text) : [];
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return []; // timed out
        }
        catch (Exception ex) when (ex is FormatException or Win32Exception or InvalidOperationException or IOException)
        {
            return [];
        }
        finally
        {
            if (process is not null)
            {
                try
                {
                    if (!process.HasExited) process.Kill(entireProcessTree: true);
                }
                catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or NotSupportedException)
                {
                    // Already gone.
                }
                process.Dispose();
            }
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, OperatingSystem.IsWindows() ? name + ".exe" : name))
            .FirstOrDefault(File.Exists);
}
