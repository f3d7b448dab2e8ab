namespace AutoResearch.Grains;

/// <summary>The sandbox slots and GPU devices of the local Docker host.</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>Concurrent sandboxes; default: one per CPU core.</summary>
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>GPU device ids this host may hand out (e.g. "0", "1"); empty: discover them when <see cref="DiscoverGpus"/> is on.</summary>
    public List<string> GpuDeviceIds { get; set; } = [];

    /// <summary>Ask <c>nvidia-smi</c> for the GPUs when <see cref="GpuDeviceIds"/> is empty (none found: a CPU-only fleet).</summary>
    public bool DiscoverGpus { get; set; } = true;
}
