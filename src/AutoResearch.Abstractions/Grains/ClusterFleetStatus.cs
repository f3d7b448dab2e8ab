using System.Globalization;

namespace AutoResearch.Abstractions.Grains;

/// <summary>
/// The sandbox slots of the whole cluster: one fleet per live Docker host (silo). A campaign's capacity is the sum over hosts;
/// status views show the sum and each host from this one record.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ClusterFleetStatus")]
public sealed record ClusterFleetStatus
{
    /// <summary>Each live host's fleet, by host name.</summary>
    [Id(0)] public List<FleetStatus> Hosts { get; init; } = [];

    public int Slots => Hosts.Sum(h => h.Slots);
    public int Busy => Hosts.Sum(h => h.Busy);
    public int Waiting => Hosts.Sum(h => h.Waiting);

    /// <summary>"3/5 slots busy, 1 waiting on 2 hosts (a 1/2, b 2/3)"; one host: "2/4 slots busy, 0 waiting".</summary>
    public string Describe()
    {
        var total = string.Create(CultureInfo.InvariantCulture, $"{Busy}/{Slots} slots busy, {Waiting} waiting");
        if (Hosts.Count <= 1) return total;
        var each = string.Join(", ", Hosts.Select(h => string.Create(CultureInfo.InvariantCulture, $"{h.Host} {h.Busy}/{h.Slots}")));
        return $"{total} on {Hosts.Count} hosts ({each})";
    }
}
