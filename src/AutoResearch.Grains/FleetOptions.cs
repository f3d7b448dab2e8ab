namespace AutoResearch.Grains;

/// <summary>The sandbox slots and GPU devices of the local Docker host: this silo's fleet.</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>
    /// This host's name in the cluster: the silo's name, its fleet's key, and what the ledger records as the host of each
    /// experiment it runs. Unique per silo; default: the machine name, in a cluster with the silo port (<c>box-11111</c>).
    /// </summary>
    public string? Host { get; set; }

    /// <summary>The host name <see cref="Host"/> gives, or the default for a silo on <paramref name="siloPort"/> (null: embedded).</summary>
    public string HostName(int? siloPort) =>
        Host is { Length: > 0 } host ? host.Trim() : siloPort is { } port ? $"{Environment.MachineName}-{port}" : Environment.MachineName;

    /// <summary>Concurrent sandboxes; default: one per CPU core.</summary>
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>GPU device ids this host may hand out (e.g. "0", "1"); empty: discover them when <see cref="DiscoverGpus"/> is on.</summary>
    public List<string> GpuDeviceIds { get; set; } = [];

    /// <summary>Ask <c>nvidia-smi</c> for the GPUs when <see cref="GpuDeviceIds"/> is empty (none found: a CPU-only fleet).</summary>
    public bool DiscoverGpus { get; set; } = true;
}
