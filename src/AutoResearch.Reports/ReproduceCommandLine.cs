using System.Globalization;
using System.Text;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Reports;

/// <summary>
/// Builds a <c>docker run</c> line that runs an experiment again the way the sandbox does: the image (by id when
/// recorded), the current folder as <c>/work</c> (a copy of the benchmark folder with any diff applied and the
/// parameters saved as <c>params.json</c>), the seed in <c>AR_SEED</c>, each parameter in <c>AR_PARAM_&lt;NAME&gt;</c>
/// (upper-cased, characters other than A-Z and 0-9 as <c>_</c>), and the benchmark's argv as the entrypoint.
/// </summary>
public static class ReproduceCommandLine
{
    public const string WorkDir = "/work";

    public static string Build(BenchmarkSpec benchmark, string? imageId, IEnumerable<KeyValuePair<string, string>> parameters, int seed)
    {
        ArgumentNullException.ThrowIfNull(benchmark);
        var sb = new StringBuilder("docker run --rm --network none");
        sb.Append(" -v \"$PWD\":").Append(WorkDir).Append(" -w ").Append(WorkDir);
        sb.Append(" -e AR_SEED=").Append(seed.ToString(CultureInfo.InvariantCulture));
        sb.Append(" -e AR_PARAMS_FILE=").Append(WorkDir).Append("/params.json");
        sb.Append(" -e AR_OUTPUT_DIR=").Append(WorkDir).Append("/out");
        foreach (var (name, value) in parameters)
        {
            sb.Append(" -e ").Append(Quote($"{EnvName(name)}={value}"));
        }

        var command = benchmark.Command;
        if (command.Count > 0)
        {
            sb.Append(" --entrypoint ").Append(Quote(command[0]));
        }

        sb.Append(' ').Append(Quote(string.IsNullOrWhiteSpace(imageId) ? benchmark.Image : imageId));
        foreach (var arg in command.Skip(1))
        {
            sb.Append(' ').Append(Quote(arg));
        }

        return sb.ToString();
    }

    /// <summary><c>AR_PARAM_</c> + the name upper-cased with every character other than A-Z and 0-9 as <c>_</c> (as the sandbox sets it).</summary>
    public static string EnvName(string parameter)
    {
        var sb = new StringBuilder("AR_PARAM_", 9 + parameter.Length);
        foreach (var c in parameter.ToUpperInvariant())
        {
            sb.Append(c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') ? c : '_');
        }

        return sb.ToString();
    }

    /// <summary>POSIX-shell quoting: bare when safe, else single-quoted.</summary>
    public static string Quote(string value)
    {
        if (value.Length > 0 && value.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=:@%+,".Contains(c)))
        {
            return value;
        }

        return "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }
}
