using AutoResearch.Abstractions.Experiments;
using Docker.DotNet;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit.Abstractions;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// Remote Docker over TLS against the real daemon: a loopback endpoint that, like <c>dockerd --tlsverify</c>, requires a
/// client certificate from its CA and forwards to the local daemon's socket; certificates made in the test.
/// </summary>
[Collection(DockerCollection.Name)]
public sealed class DockerTlsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);
    private readonly TestPki _lab = new("lab");
    private readonly TestPki _stranger = new("stranger");
    private TlsDockerProxy? _proxy;

    private TlsDockerProxy Proxy => _proxy
        ?? throw new InvalidOperationException($"the TLS endpoint forwards to a local unix socket, but Docker is at {DockerTestEnvironment.Endpoint}");

    private string Endpoint => $"tcp://127.0.0.1:{Proxy.Port}";

    public Task InitializeAsync()
    {
        if (DockerTestEnvironment.SkipReason is null && LocalSocket() is { } socket)
            _proxy = new TlsDockerProxy(_lab.IssueServer(), _lab.Ca, socket);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_proxy is not null)
            await _proxy.DisposeAsync();
        _lab.Dispose();
        _stranger.Dispose();
    }

    [DockerFact]
    public async Task The_right_client_certificate_reaches_the_daemon_and_runs_a_sandbox()
    {
        var client = _lab.IssueClient("silo-a");
        var options = Options(o => (o.DockerEndpoint, o.DockerCaCertificate, o.DockerClientCertificate, o.DockerClientKey) = (Endpoint, _lab.CaPath, client.CertPath, client.KeyPath));
        Assert.True(new SandboxOptionsValidator(NoEnvironment).Validate(null, options).Succeeded);

        var connection = DockerConnection.Resolve(options, NoEnvironment);
        Assert.NotNull(connection.Tls);
        Assert.False(connection.Unauthenticated);
        using (var configuration = connection.CreateConfiguration())
        using (var docker = configuration.CreateClient())
        using (var timeout = new CancellationTokenSource(CallTimeout))
        {
            await docker.System.PingAsync(timeout.Token);
            var version = await docker.System.GetVersionAsync(timeout.Token);
            using var local = DockerTestEnvironment.CreateClient();
            Assert.Equal((await local.System.GetVersionAsync(timeout.Token)).Version, version.Version);
        }

        // The runner's own clients go through the same TLS connection: the image check, and a whole sandbox run
        // (create, attach, start, wait, copy-out, remove).
        using (var images = new DockerSandboxImages(Microsoft.Extensions.Options.Options.Create(options)))
        {
            Assert.True(await images.ExistsAsync(DockerTestEnvironment.Image, CancellationToken.None));
        }

        using var runner = new DockerSandboxRunner(Microsoft.Extensions.Options.Options.Create(options), new TestOutputLogger<DockerSandboxRunner>(output));
        using var bench = new TestBenchmark();
        using var run = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        var result = await runner.RunAsync(bench.Request(bench.Spec(["sh", "-c", "echo METRIC loss=0.25"])), null, null, run.Token);
        output.WriteLine($"{result.Status} {result.Failure} {result.Reason}");
        Assert.Equal(ExperimentStatus.Succeeded, result.Status);
        Assert.Equal(0.25, result.Objective);
        Assert.True(Proxy.Forwarded >= 5, $"only {Proxy.Forwarded} connections went through the TLS endpoint");
        Assert.Equal(0, Proxy.Refused);
    }

    [DockerFact]
    public async Task Docker_environment_conventions_are_honoured_when_the_settings_are_unset()
    {
        var client = _lab.IssueClient("silo-env");
        var environment = Environment(("DOCKER_HOST", Endpoint), ("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", client.Folder));
        var options = Options(_ => { });
        Assert.True(new SandboxOptionsValidator(environment).Validate(null, options).Succeeded);

        var connection = DockerConnection.Resolve(options, environment);
        Assert.Equal("DOCKER_HOST", connection.EndpointSource);
        Assert.Equal(Path.Combine(client.Folder, "cert.pem"), connection.Tls?.ClientCertificatePath);
        using var configuration = connection.CreateConfiguration();
        using var docker = configuration.CreateClient();
        using var timeout = new CancellationTokenSource(CallTimeout);
        Assert.False(string.IsNullOrEmpty((await docker.System.GetVersionAsync(timeout.Token)).APIVersion));

        // DOCKER_CERT_PATH without DOCKER_TLS_VERIFY is plain tcp: refused, with the hint.
        var half = Environment(("DOCKER_HOST", Endpoint), ("DOCKER_CERT_PATH", client.Folder));
        var refused = new SandboxOptionsValidator(half).Validate(null, options);
        Assert.True(refused.Failed);
        Assert.Contains("DOCKER_TLS_VERIFY", refused.FailureMessage, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task Without_a_client_certificate_the_daemon_refuses_with_a_clear_error()
    {
        // Verifying the daemon but presenting no certificate is only possible with the explicit allowance.
        var options = Options(o => (o.DockerEndpoint, o.DockerCaCertificate, o.AllowUnauthenticatedDockerTcp) = (Endpoint, _lab.CaPath, true));
        var connection = DockerConnection.Resolve(options, NoEnvironment);
        Assert.True(connection.Unauthenticated);

        var error = await FailingCallAsync(connection);
        output.WriteLine(error);
        Assert.Contains("TLS connection to the Docker daemon", error, StringComparison.Ordinal);
        Assert.Contains("no client certificate", error, StringComparison.Ordinal);
        Assert.True(Proxy.Refused >= 1);
        Assert.Equal(0, Proxy.BytesForwarded);

        // Through the runner's image check the same sentence comes back.
        using var images = new DockerSandboxImages(Microsoft.Extensions.Options.Options.Create(options));
        var thrown = await Assert.ThrowsAsync<InvalidOperationException>(() => images.ExistsAsync(DockerTestEnvironment.Image, CancellationToken.None));
        Assert.Contains("no client certificate", thrown.Message, StringComparison.Ordinal);
    }

    [DockerFact]
    public async Task A_client_certificate_from_another_CA_is_refused_with_a_clear_error()
    {
        var foreign = _stranger.IssueClient("intruder");
        var options = Options(o => (o.DockerEndpoint, o.DockerCaCertificate, o.DockerClientCertificate, o.DockerClientKey) = (Endpoint, _lab.CaPath, foreign.CertPath, foreign.KeyPath));
        Assert.True(new SandboxOptionsValidator(NoEnvironment).Validate(null, options).Succeeded);

        var error = await FailingCallAsync(DockerConnection.Resolve(options, NoEnvironment));
        output.WriteLine(error);
        Assert.Contains("TLS connection to the Docker daemon", error, StringComparison.Ordinal);
        Assert.Contains("CN=intruder", error, StringComparison.Ordinal);
        Assert.Contains("CN=stranger test CA", error, StringComparison.Ordinal);
        Assert.True(Proxy.Refused >= 1);
        Assert.Equal(0, Proxy.BytesForwarded);
    }

    [DockerFact]
    public async Task A_daemon_certificate_from_another_CA_is_refused_before_anything_is_sent()
    {
        // The daemon end is an impostor: its certificate comes from another CA than the one we were told to trust.
        await using var impostor = new TlsDockerProxy(_stranger.IssueServer(), _lab.Ca, LocalSocket()!);
        var client = _lab.IssueClient("silo-b");
        var options = Options(o => (o.DockerEndpoint, o.DockerCaCertificate, o.DockerClientCertificate, o.DockerClientKey) = ($"tcp://127.0.0.1:{impostor.Port}", _lab.CaPath, client.CertPath, client.KeyPath));

        var error = await FailingCallAsync(DockerConnection.Resolve(options, NoEnvironment));
        output.WriteLine(error);
        Assert.Contains("was refused: its certificate CN=stranger docker daemon", error, StringComparison.Ordinal);
        Assert.Contains("does not chain to the CA CN=lab test CA", error, StringComparison.Ordinal);
        Assert.Contains("Sandboxes:DockerCaCertificate", error, StringComparison.Ordinal);
        Assert.Equal(0, impostor.BytesForwarded);
    }

    [Theory]
    [InlineData("tcp://127.0.0.1:2375")]
    [InlineData("http://docker.lab:2375")]
    [InlineData("https://docker.lab:2376")]
    public void Plain_tcp_is_refused_by_default_naming_the_setting(string endpoint)
    {
        var options = Options(o => o.DockerEndpoint = endpoint);
        var result = new SandboxOptionsValidator(NoEnvironment).Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains("Sandboxes:AllowUnauthenticatedDockerTcp", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(endpoint, result.FailureMessage, StringComparison.Ordinal);

        // The same from DOCKER_HOST.
        var fromEnvironment = new SandboxOptionsValidator(Environment(("DOCKER_HOST", endpoint))).Validate(null, Options(_ => { }));
        Assert.True(fromEnvironment.Failed);
        Assert.Contains("(from DOCKER_HOST)", fromEnvironment.FailureMessage, StringComparison.Ordinal);

        options.AllowUnauthenticatedDockerTcp = true;
        Assert.True(new SandboxOptionsValidator(NoEnvironment).Validate(null, options).Succeeded);
    }

    [Fact]
    public void Plain_tcp_fails_the_start_of_a_host()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddDockerSandboxes(o => (o.Owner, o.DockerEndpoint) = ("install-1", "tcp://10.0.0.7:2375"));
        using var provider = services.BuildServiceProvider();
        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<SandboxOptions>>().Value);
        Assert.Contains("Sandboxes:AllowUnauthenticatedDockerTcp", ex.Message, StringComparison.Ordinal);
        Assert.Throws<OptionsValidationException>(() => new DockerSandboxRunner(Microsoft.Extensions.Options.Options.Create(new SandboxOptions { Owner = "o", DockerEndpoint = "tcp://10.0.0.7:2375" })));
    }

    [Fact]
    public void Bad_tls_settings_fail_naming_the_setting()
    {
        var client = _lab.IssueClient("silo-c");
        string Failure(Action<SandboxOptions> configure, Func<string, string?>? environment = null)
        {
            var result = new SandboxOptionsValidator(environment ?? NoEnvironment).Validate(null, Options(configure));
            Assert.True(result.Failed);
            return result.FailureMessage;
        }

        Assert.Contains("Sandboxes:DockerClientCertificate and Sandboxes:DockerClientKey go together",
            Failure(o => (o.DockerEndpoint, o.DockerCaCertificate, o.DockerClientCertificate) = ("tcp://h:2376", _lab.CaPath, client.CertPath)), StringComparison.Ordinal);
        Assert.Contains("Sandboxes:DockerCaCertificate is required",
            Failure(o => (o.DockerEndpoint, o.DockerClientCertificate, o.DockerClientKey) = ("tcp://h:2376", client.CertPath, client.KeyPath)), StringComparison.Ordinal);
        var missing = Path.Combine(_lab.Directory, "nope.pem");
        var message = Failure(o => (o.DockerEndpoint, o.DockerCaCertificate, o.DockerClientCertificate, o.DockerClientKey) = ("tcp://h:2376", missing, client.CertPath, client.KeyPath));
        Assert.Contains($"Sandboxes:DockerCaCertificate '{missing}'", message, StringComparison.Ordinal);
        message = Failure(o => (o.DockerEndpoint, o.DockerCaCertificate, o.DockerClientCertificate, o.DockerClientKey) = ("tcp://h:2376", _lab.CaPath, client.CertPath, _lab.CaPath));
        Assert.Contains("Sandboxes:DockerClientCertificate", message, StringComparison.Ordinal);
        Assert.Contains("matching private key", message, StringComparison.Ordinal);
        Assert.Contains("local socket",
            Failure(o => (o.DockerEndpoint, o.DockerCaCertificate) = ("unix:///var/run/docker.sock", _lab.CaPath)), StringComparison.Ordinal);
        Assert.Contains("DOCKER_CERT_PATH/ca.pem",
            Failure(o => o.DockerEndpoint = "tcp://h:2376", Environment(("DOCKER_TLS_VERIFY", "1"), ("DOCKER_CERT_PATH", _lab.Directory + "/empty"))), StringComparison.Ordinal);

        // A unix socket, our setting or the default, needs none of it; DOCKER_TLS_VERIFY does not apply to it.
        Assert.True(new SandboxOptionsValidator(Environment(("DOCKER_TLS_VERIFY", "1"))).Validate(null, Options(_ => { })).Succeeded);
        Assert.Equal(DockerConnection.DefaultEndpoint, DockerConnection.Resolve(Options(_ => { }), NoEnvironment).Endpoint.ToString());
    }

    private static async Task<string> FailingCallAsync(DockerConnection connection)
    {
        using var configuration = connection.CreateConfiguration();
        using var docker = configuration.CreateClient();
        using var timeout = new CancellationTokenSource(CallTimeout);
        try
        {
            await docker.System.GetVersionAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the version call through {connection.Endpoint} neither failed nor answered within {CallTimeout}");
        }
        catch (Exception ex)
        {
            return connection.Describe(ex);
        }

        throw new Xunit.Sdk.XunitException($"the version call through {connection.Endpoint} succeeded, but it should have been refused");
    }

    private static SandboxOptions Options(Action<SandboxOptions> configure)
    {
        var options = new SandboxOptions { Owner = "tls-test" };
        configure(options);
        return options;
    }

    private static string? NoEnvironment(string name) => null;

    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    private static string? LocalSocket()
    {
        var endpoint = new Uri(DockerTestEnvironment.Endpoint);
        return endpoint.Scheme == "unix" ? endpoint.LocalPath : null;
    }
}
