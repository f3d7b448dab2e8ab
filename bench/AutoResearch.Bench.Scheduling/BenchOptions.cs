using System.Globalization;

namespace AutoResearch.Bench.Scheduling;

/// <summary>Command line: <c>[loop|campaign|both] [--experiments N] [--slots K] [--seconds S] [--campaign FILE] [--cli DLL] [--no-save]</c>.</summary>
internal sealed record BenchOptions
{
    public string Mode { get; init; } = "both";
    public int Experiments { get; init; } = 40;
    public int Slots { get; init; } = 2;
    public double Seconds { get; init; } = 1.0;
    public required string CampaignFile { get; init; }
    public required string Cli { get; init; }
    public bool Save { get; init; } = true;
    public bool KeepData { get; init; }

    public const string Usage =
        "usage: AutoResearch.Bench.Scheduling [loop|campaign|both] [--experiments N (40)] [--slots K (2)] [--seconds S (1.0)]\n" +
        "       [--campaign FILE (bench/scheduling/campaign.yaml)] [--cli autoresearch.dll (src/AutoResearch.Cli/bin/Release/net10.0)] [--no-save] [--keep-data]";

    public static BenchOptions Parse(string[] args, string root)
    {
        var mode = "both";
        int experiments = 40, slots = 2;
        var seconds = 1.0;
        var campaign = Path.Combine(root, "bench", "scheduling", "campaign.yaml");
        var cli = Path.Combine(root, "src", "AutoResearch.Cli", "bin", "Release", "net10.0", "autoresearch.dll");
        var save = true;
        var keep = false;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value\n{Usage}");
            switch (args[i])
            {
                case "loop" or "campaign" or "both": mode = args[i]; break;
                case "--experiments": experiments = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--slots": slots = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = double.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--campaign": campaign = Path.GetFullPath(Next()); break;
                case "--cli": cli = Path.GetFullPath(Next()); break;
                case "--no-save": save = false; break;
                case "--keep-data": keep = true; break;
                default: throw new ArgumentException($"unknown argument '{args[i]}'\n{Usage}");
            }
        }
        if (experiments < 1 || slots < 1 || seconds is < 0.1 or > 10)
            throw new ArgumentException($"need --experiments >= 1, --slots >= 1, --seconds in [0.1, 10]\n{Usage}");
        return new BenchOptions { Mode = mode, Experiments = experiments, Slots = slots, Seconds = seconds, CampaignFile = campaign, Cli = cli, Save = save, KeepData = keep };
    }
}
