namespace AutoResearch.Scheduling.Tests;

public sealed class GpuDiscoveryTests
{
    [Fact]
    public void Parses_nvidia_smi_csv_output_in_order()
    {
        const string output = "0, GPU-5f6a2c3e-1b2d-4c5e-8f9a-0b1c2d3e4f50\n1, GPU-7a8b9c0d-1e2f-3a4b-5c6d-7e8f9a0b1c2d\n\n";
        Assert.Equal(["0", "1"], GpuDiscovery.Parse(output));
        Assert.Empty(GpuDiscovery.Parse("\n"));
    }

    [Fact]
    public void Garbage_names_the_offending_line()
    {
        var ex = Assert.Throws<FormatException>(() => GpuDiscovery.Parse("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."));
        Assert.Contains("NVIDIA-SMI has failed", ex.Message);
    }

    [Fact]
    public async Task A_host_without_nvidia_smi_has_no_gpus()
    {
        Assert.Null(Environment.GetEnvironmentVariable("PATH")!.Split(':').Select(d => Path.Combine(d, "nvidia-smi")).FirstOrDefault(File.Exists));
        Assert.Empty(await GpuDiscovery.DiscoverAsync(CancellationToken.None));
    }
}
