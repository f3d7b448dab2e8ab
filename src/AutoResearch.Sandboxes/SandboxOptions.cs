namespace AutoResearch.Sandboxes;

/// <summary>Settings of the Docker sandbox runner (section <see cref="SectionName"/>).</summary>
public sealed class SandboxOptions
{
    public const string SectionName = "Sandboxes";

    /// <summary>
    /// Docker daemon endpoint: <c>unix:///var/run/docker.sock</c>, <c>tcp://host:2376</c>, <c>https://host:2376</c> or
    /// <c>npipe://./pipe/docker_engine</c>. Unset: <c>DOCKER_HOST</c>, else <c>unix:///var/run/docker.sock</c>
    /// (<see cref="DockerConnection"/> resolves it).
    /// </summary>
    public string? DockerEndpoint { get; set; }

    /// <summary>
    /// PEM file of the CA the daemon's certificate must chain to (a tcp:// or https:// endpoint). With
    /// <see cref="DockerClientCertificate"/> and <see cref="DockerClientKey"/>; all three unset: <c>DOCKER_TLS_VERIFY</c> with
    /// <c>DOCKER_CERT_PATH</c>'s <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>.
    /// </summary>
    public string? DockerCaCertificate { get; set; }

    /// <summary>PEM file of the client certificate the daemon authenticates this host by (<c>dockerd --tlsverify</c>).</summary>
    public string? DockerClientCertificate { get; set; }

    /// <summary>PEM file of the private key of <see cref="DockerClientCertificate"/>.</summary>
    public string? DockerClientKey { get; set; }

    /// <summary>
    /// Allows a tcp:// or http(s):// endpoint without a client certificate. Off by default: a daemon anyone can reach is root on
    /// its host for anyone.
    /// </summary>
    public bool AllowUnauthenticatedDockerTcp { get; set; }

    /// <summary>Stable id of this installation, put on every container as <c>autoresearch.owner</c>; the reaper only removes containers carrying it.</summary>
    public string Owner { get; set; } = "";

    /// <summary>
    /// The silo this runner serves (Orleans silo address with generation), put on every container and work volume as
    /// <c>autoresearch.silo</c> when set; the host sets it. A survivor reaps a dead silo's sandboxes by it
    /// (<see cref="DockerSandboxRunner.ReapSiloAsync"/>).
    /// </summary>
    public string? Silo { get; set; }

    /// <summary>Bytes of output kept from the start of the run and, separately, from its end.</summary>
    public int OutputCapBytes { get; set; } = 64 * 1024;

    /// <summary>Numeric <c>uid[:gid]</c> the run executes as; also the owner of the copied workspace files.</summary>
    public string User { get; set; } = "1000:1000";

    /// <summary>
    /// Absolute work directory inside the sandbox: an anonymous volume (seeded from the image, removed with the container).
    /// The image should own it by the sandbox user (as <c>autoresearch/base</c> does for <c>/work</c>); otherwise its root stays
    /// root-owned and only the copied files and <c>out/</c> are writable.
    /// </summary>
    public string WorkDir { get; set; } = "/work";

    /// <summary>Extra labels put on every container (may not override the <c>autoresearch.*</c> labels the runner sets).</summary>
    public Dictionary<string, string> Labels { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Extra environment variables for every run (names starting with <c>AR_</c> are reserved).</summary>
    public Dictionary<string, string> Environment { get; set; } = new(StringComparer.Ordinal)
    {
        ["PYTHONUNBUFFERED"] = "1",
    };

    /// <summary>Most bytes copied out of <c>out/</c> into the artifacts directory; files past it are skipped.</summary>
    public long MaxArtifactBytes { get; set; } = 1L << 30;

    /// <summary>How long cleanup (kill, remove) may take once a run ended or was cancelled.</summary>
    public TimeSpan CleanupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long to wait for the output stream to drain after the process exited.</summary>
    public TimeSpan OutputDrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Most files copied out of <c>out/</c> per run; files past it are skipped and the copy is recorded as truncated.</summary>
    public int MaxArtifactFiles { get; set; } = 10_000;

    /// <summary>Most artifact bytes copied for one campaign (all its runs, counted by this runner process since it started).</summary>
    public long MaxCampaignArtifactBytes { get; set; } = 10L << 30;

    /// <summary>Most artifact files copied for one campaign (all its runs, counted by this runner process since it started).</summary>
    public long MaxCampaignArtifactFiles { get; set; } = 100_000;

    /// <summary>
    /// Everything after the time limit (the kill, draining the output, reading <c>result.json</c>, copying <c>out/</c>) ends within
    /// this much of it; what is not done by then is cut and recorded. Copy-out of a run that ended on its own also ends by the
    /// time limit plus this grace.
    /// </summary>
    public TimeSpan LimitGrace { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Command (space-separated argv) of the keeper container that holds the run's tmpfs work volume mounted; it runs in the
    /// benchmark's image, so that image needs it (every <c>autoresearch/*</c> image has <c>sleep</c>).
    /// </summary>
    public string DiskKeeperCommand { get; set; } = "sleep infinity";

    /// <summary>The keeper command as argv.</summary>
    public IReadOnlyList<string> DiskKeeperArgv() => (DiskKeeperCommand ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Parses <see cref="User"/> into a uid and gid (gid defaults to the uid).</summary>
    public (int Uid, int Gid) ParseUser()
    {
        var parts = User.Split(':');
        var uid = int.Parse(parts[0], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture);
        var gid = parts.Length > 1
            ? int.Parse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture)
            : uid;
        return (uid, gid);
    }
}
