using AutoResearch.Abstractions;
using AutoResearch.Abstractions.Experiments;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Sandboxes.Tests;

public sealed class ContainerParametersBuilderTests
{
    private static readonly SandboxOptions Options = new()
    {
        Owner = "install-1",
        Labels = new Dictionary<string, string> { ["team"] = "ml" },
    };

    [Fact]
    public void The_work_directory_is_the_size_capped_tmpfs_volume_owned_by_the_sandbox_user()
    {
        var request = Request() with { Benchmark = Request().Benchmark with { Resources = new ResourceSpec { DiskMb = 300 } } };
        var p = ContainerParametersBuilder.Build(request, Options, "ar-c-e-1", WorkVolume.NameFor("ar-c-e-1"));

        Assert.Null(p.Volumes);
        var mount = Assert.Single(p.HostConfig.Mounts);
        Assert.Equal(("volume", "ar-c-e-1-work", "/work"), (mount.Type, mount.Source, mount.Target));

        var volume = WorkVolume.VolumeParameters("ar-c-e-1-work", request, Options, 1000, 1000);
        Assert.Equal("local", volume.Driver);
        Assert.Equal("tmpfs", volume.DriverOpts["type"]);
        Assert.Equal("size=300m,uid=1000,gid=1000,mode=0755,nosuid,nodev", volume.DriverOpts["o"]);
        Assert.Equal("install-1", volume.Labels[Names.OwnerLabel]);

        var keeper = WorkVolume.KeeperParameters("ar-c-e-1-keep", "ar-c-e-1-work", request, Options);
        Assert.Equal(["sleep", "infinity"], keeper.Entrypoint);
        Assert.Equal("none", keeper.HostConfig.NetworkMode);
        Assert.True(keeper.HostConfig.ReadonlyRootfs);
        Assert.Equal(["ALL"], keeper.HostConfig.CapDrop);
        Assert.True(Assert.Single(keeper.HostConfig.Mounts).ReadOnly);
        Assert.Equal(WorkVolume.KeeperRole, keeper.Labels[WorkVolume.RoleLabel]);
    }

    [Fact]
    public void Cpu_run_is_locked_down()
    {
        var p = ContainerParametersBuilder.Build(Request(), Options, "ar-c-e-1");
        var host = p.HostConfig;

        Assert.Equal("ar-c-e-1", p.Name);
        Assert.Equal("autoresearch/base:latest", p.Image);
        Assert.Equal(["python3", "train.py", "--fast"], p.Entrypoint);
        Assert.Null(p.Cmd);
        Assert.Equal("/work", p.WorkingDir);
        Assert.Equal("1000:1000", p.User);
        Assert.True(p.NetworkDisabled);
        Assert.False(p.Tty);
        Assert.False(p.OpenStdin);
        Assert.Contains("/work", p.Volumes.Keys);

        Assert.Equal("none", host.NetworkMode);
        Assert.True(host.ReadonlyRootfs);
        Assert.False(host.Privileged);
        Assert.Equal(["ALL"], host.CapDrop);
        Assert.Null(host.CapAdd);
        Assert.Equal(["no-new-privileges"], host.SecurityOpt);
        Assert.Equal(512L * 1024 * 1024, host.Memory);
        Assert.Equal(host.Memory, host.MemorySwap);
        Assert.Equal(1_500_000_000L, host.NanoCPUs);
        Assert.Equal(100, host.PidsLimit);
        Assert.Contains("size=32m", host.Tmpfs["/tmp"]);
        Assert.Null(host.Binds);
        Assert.False(host.AutoRemove);
        Assert.Null(host.DeviceRequests);

        Assert.Equal("c-1", p.Labels[Names.CampaignLabel]);
        Assert.Equal("e-1", p.Labels[Names.ExperimentLabel]);
        Assert.Equal("install-1", p.Labels[Names.OwnerLabel]);
        Assert.Equal("ml", p.Labels["team"]);
    }

    [Fact]
    public void Environment_carries_parameters_seed_and_paths()
    {
        var p = ContainerParametersBuilder.Build(Request(), Options);

        Assert.Contains("AR_PARAM_LR=0.5", p.Env);
        Assert.Contains("AR_PARAM_BATCH_SIZE=32", p.Env);
        Assert.Contains("AR_PARAMS_FILE=/work/params.json", p.Env);
        Assert.Contains("AR_SEED=7", p.Env);
        Assert.Contains("AR_OUTPUT_DIR=/work/out", p.Env);
        Assert.Contains("PYTHONUNBUFFERED=1", p.Env);
        Assert.Contains("AR_EVAL=tune", p.Env);
    }

    [Fact]
    public void Holdout_run_is_told_so_by_AR_EVAL()
    {
        var p = ContainerParametersBuilder.Build(Request() with { Split = EvaluationSplit.Holdout }, Options);

        Assert.Contains("AR_EVAL=holdout", p.Env);
        Assert.DoesNotContain("AR_EVAL=tune", p.Env);
        Assert.Single(p.Env, e => e.StartsWith("AR_EVAL=", StringComparison.Ordinal));
    }

    [Fact]
    public void Parameters_the_campaign_fixed_reach_the_run_with_their_pinned_value()
    {
        var request = Request();
        request = request with
        {
            Benchmark = request.Benchmark with
            {
                FixedParameters = [new ParameterSpec { Name = "momentum", Type = ParameterType.Float, Min = 0.9, Max = 0.9, Default = "0.9" }],
            },
        };
        var p = ContainerParametersBuilder.Build(request, Options);

        Assert.Contains("AR_PARAM_MOMENTUM=0.9", p.Env);
        Assert.Contains("AR_PARAM_LR=0.5", p.Env);
        Assert.Contains("\"momentum\": 0.9", System.Text.Encoding.UTF8.GetString(ParameterEncoding.ToJsonUtf8(request.Benchmark.RunParameters(), request.Parameters)));
    }

    [Fact]
    public void Gpu_run_requests_the_assigned_nvidia_devices()
    {
        var request = Request() with { GpuDeviceIds = ["0", "GPU-3f2a"] };
        var p = ContainerParametersBuilder.Build(request, Options);

        var device = Assert.Single(p.HostConfig.DeviceRequests);
        Assert.Equal("nvidia", device.Driver);
        Assert.Equal(["0", "GPU-3f2a"], device.DeviceIDs);
        Assert.Equal(0, device.Count);
        var capabilities = Assert.Single(device.Capabilities);
        Assert.Equal(["gpu"], capabilities);
        Assert.Equal("none", p.HostConfig.NetworkMode);
        Assert.True(p.HostConfig.ReadonlyRootfs);
    }

    [Fact]
    public void Custom_work_dir_and_user_are_used()
    {
        var options = new SandboxOptions { Owner = "o", WorkDir = "/sandbox/", User = "2000:3000" };
        var p = ContainerParametersBuilder.Build(Request(), options);

        Assert.Equal("/sandbox", p.WorkingDir);
        Assert.Equal("2000:3000", p.User);
        Assert.Contains("AR_PARAMS_FILE=/sandbox/params.json", p.Env);
        Assert.Contains("/sandbox", p.Volumes.Keys);
    }

    [Fact]
    public void Runner_labels_win_over_extra_labels()
    {
        var options = new SandboxOptions { Owner = "o", Labels = new Dictionary<string, string> { [Names.OwnerLabel] = "someone-else" } };
        var p = ContainerParametersBuilder.Build(Request(), options);

        Assert.Equal("o", p.Labels[Names.OwnerLabel]);
    }

    [Fact]
    public void Invalid_requests_are_argument_or_format_errors()
    {
        var request = Request();
        Assert.Throws<ArgumentException>(() => ContainerParametersBuilder.Build(
            request with { Benchmark = request.Benchmark with { Command = [] } }, Options));
        Assert.Throws<ArgumentException>(() => ContainerParametersBuilder.Build(
            request with { Benchmark = request.Benchmark with { TimeLimit = TimeSpan.Zero } }, Options));
        Assert.Throws<FormatException>(() => ContainerParametersBuilder.Build(
            request with { Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["lr"] = "x" }) }, Options));
    }

    [Fact]
    public void Container_names_are_docker_safe_and_unique()
    {
        var request = Request() with { CampaignId = "my campaign/1", ExperimentId = "exp:42" };
        var a = ContainerParametersBuilder.ContainerName(request);
        var b = ContainerParametersBuilder.ContainerName(request);

        Assert.Matches("^ar-my_campaign_1-exp_42-[0-9a-f]{8}$", a);
        Assert.NotEqual(a, b);
    }

    private static SandboxRequest Request() => new()
    {
        CampaignId = "c-1",
        ExperimentId = "e-1",
        Seed = 7,
        Parameters = AutoResearch.Abstractions.Parameters.ParameterSet.FromStored(new Dictionary<string, string> { ["lr"] = "0.5" }),
        Benchmark = new BenchmarkSpec
        {
            Name = "b",
            Directory = "/nonexistent",
            Image = "autoresearch/base:latest",
            Command = ["python3", "train.py", "--fast"],
            Files = ["train.py"],
            Parameters =
            [
                new ParameterSpec { Name = "lr", Type = ParameterType.Float, Default = "0.1" },
                new ParameterSpec { Name = "batch-size", Type = ParameterType.Int, Default = "32" },
            ],
            Metric = new MetricSpec { Name = "loss", Direction = Direction.Minimize },
            TimeLimit = TimeSpan.FromMinutes(5),
            Resources = new ResourceSpec { Cpus = 1.5, MemoryMb = 512, Pids = 100, TmpfsMb = 32 },
        },
    };
}
