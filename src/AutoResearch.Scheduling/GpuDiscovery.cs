using System.Diagnostics;

namespace AutoResearch.Scheduling;

/// <summary>Finds the host's GPUs with <c>nvidia-smi</c>; a host without it (or without GPUs) has none.</summary>
public static class GpuDiscovery
{
    public const string Query = "--query-gpu=index,uuid --format=csv,noheader";

    /// <summary>Device indexes from <c>nvidia-smi --query-gpu=index,uuid --format=csv,noheader</c> output, in order.</summary>
    /// <exception cref="FormatException">A line is not <c>index, uuid</c>.</exception>
    public static IReadOnlyList<string> Parse(string csv)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var ids = new List<string>();
        foreach (var raw in csv.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0) continue;
            var fields = line.Split(',', StringSplitOptions.TrimEntries);
            if (fields.Length < 2 || !int.TryParse(fields[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
                || !fields[1].StartsWith("GPU-", StringComparison.Ordinal))
            {
                throw new FormatException($"Unexpected nvidia-smi output line '{line}': expected 'index, GPU-uuid'.");
            }
            ids.Add(index.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return ids;
    }

    /// <summary>Runs nvidia-smi (5 s at most); an empty list when it is missing, fails or prints something unexpected.</summary>
    public static async Task<IReadOnlyList<string>> DiscoverAsync(CancellationToken cancellationToken)
    {
        var exe = FindOnPath("nvidia-smi");
        if (exe is null) return [];
        try
        {
            using var process = Process.Start(new ProcessStartInfo(exe, Query)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            });
            if (process is null) return [];
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(5));
            var output = await process.StandardOutput.ReadToEndAsync(timeout.Token);
            await process.WaitForExitAsync(timeout.Token);
            return process.ExitCode == 0 ? Parse(output) : [];
        }
        catch (Exception ex) when (ex is OperationCanceledException or FormatException or System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return [];
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
