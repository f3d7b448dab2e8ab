namespace AutoResearch.Grains;

/// <summary>The sandbox slots of the local Docker host.</summary>
public sealed class FleetOptions
{
    public const string Section = "Fleet";

    /// <summary>Concurrent sandboxes; default: one per CPU core.</summary>
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>GPU device ids this host may hand out (e.g. "0", "1").</summary>
    public List<string> GpuDeviceIds { get; set; } = [];
}
