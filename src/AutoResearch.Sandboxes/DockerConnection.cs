using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Docker.DotNet;
using Docker.DotNet.X509;

namespace AutoResearch.Sandboxes;

/// <summary>
/// How this host reaches its Docker daemon: the endpoint and, for a network endpoint, the TLS material (the CA the daemon's
/// certificate must chain to, and the client certificate and key the daemon authenticates us by). Resolved from
/// <see cref="SandboxOptions"/>; where those are unset, from Docker's own conventions (<c>DOCKER_HOST</c>,
/// <c>DOCKER_TLS_VERIFY</c>, <c>DOCKER_CERT_PATH</c> with <c>ca.pem</c>, <c>cert.pem</c>, <c>key.pem</c>). A network endpoint
/// without a client certificate is refused unless <see cref="SandboxOptions.AllowUnauthenticatedDockerTcp"/> is set: whoever
/// reaches such a daemon is root on its host.
/// </summary>
public sealed class DockerConnection
{
    /// <summary>The endpoint used when neither <see cref="SandboxOptions.DockerEndpoint"/> nor <c>DOCKER_HOST</c> is set.</summary>
    public const string DefaultEndpoint = "unix:///var/run/docker.sock";

    /// <summary>Docker's variable for the daemon's endpoint, used when <see cref="SandboxOptions.DockerEndpoint"/> is unset.</summary>
    public const string HostVariable = "DOCKER_HOST";

    /// <summary>Docker's variable that turns on TLS with the files in <see cref="CertPathVariable"/> (any non-empty value, as the docker CLI reads it).</summary>
    public const string TlsVerifyVariable = "DOCKER_TLS_VERIFY";

    /// <summary>Docker's variable naming the folder of <c>ca.pem</c>, <c>cert.pem</c> and <c>key.pem</c> (default <c>~/.docker</c>).</summary>
    public const string CertPathVariable = "DOCKER_CERT_PATH";

    private const string Section = SandboxOptions.SectionName;
    private static readonly string[] NetworkSchemes = ["tcp", "http", "https"];
    private static readonly string[] LocalSchemes = ["unix", "npipe"];

    private string? _lastServerCertificateProblem;

    private DockerConnection(Uri endpoint, string endpointSource, DockerTlsFiles? tls, bool unauthenticated)
    {
        Endpoint = endpoint;
        EndpointSource = endpointSource;
        Tls = tls;
        Unauthenticated = unauthenticated;
    }

    /// <summary>The daemon's endpoint as configured (<c>unix://</c>, <c>npipe://</c>, <c>tcp://</c>, <c>http(s)://</c>).</summary>
    public Uri Endpoint { get; }

    /// <summary>Where <see cref="Endpoint"/> came from: the setting, <c>DOCKER_HOST</c>, or the default.</summary>
    public string EndpointSource { get; }

    /// <summary>The TLS files in use, or null (a local socket, or an explicitly allowed unauthenticated network endpoint).</summary>
    public DockerTlsFiles? Tls { get; }

    /// <summary>True for a network endpoint reached without a client certificate (only with <see cref="SandboxOptions.AllowUnauthenticatedDockerTcp"/>).</summary>
    public bool Unauthenticated { get; }

    /// <summary>The connection the options describe, reading Docker's environment variables from this process.</summary>
    /// <exception cref="InvalidOperationException">The options describe no usable connection; the message names every bad setting.</exception>
    public static DockerConnection Resolve(SandboxOptions options) => Resolve(options, Environment.GetEnvironmentVariable);

    /// <summary>The connection the options describe, with <paramref name="environment"/> standing for the process environment.</summary>
    /// <exception cref="InvalidOperationException">The options describe no usable connection; the message names every bad setting.</exception>
    public static DockerConnection Resolve(SandboxOptions options, Func<string, string?> environment)
    {
        var connection = TryResolve(options, environment, out var problems);
        return connection ?? throw new InvalidOperationException(string.Join(" ", problems));
    }

    /// <summary>The connection, or null with every problem (each naming its setting or variable).</summary>
    public static DockerConnection? TryResolve(SandboxOptions options, Func<string, string?> environment, out IReadOnlyList<string> problems)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        var errors = new List<string>();
        problems = errors;

        string endpointText, endpointSource;
        if (!string.IsNullOrWhiteSpace(options.DockerEndpoint))
            (endpointText, endpointSource) = (options.DockerEndpoint.Trim(), $"{Section}:DockerEndpoint");
        else if (environment(HostVariable) is { Length: > 0 } dockerHost && !string.IsNullOrWhiteSpace(dockerHost))
            (endpointText, endpointSource) = (dockerHost.Trim(), "DOCKER_HOST");
        else
            (endpointText, endpointSource) = (DefaultEndpoint, "the default");

        if (!Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint)
            || !NetworkSchemes.Contains(endpoint.Scheme) && !LocalSchemes.Contains(endpoint.Scheme))
        {
            errors.Add($"DockerEndpoint '{endpointText}' (from {endpointSource}) must be an absolute unix://, tcp://, npipe:// or http(s):// URI.");
            return null;
        }

        var ownSet = new[] { options.DockerCaCertificate, options.DockerClientCertificate, options.DockerClientKey }.Any(v => !string.IsNullOrWhiteSpace(v));
        if (LocalSchemes.Contains(endpoint.Scheme))
        {
            if (ownSet)
                errors.Add($"{Section}:DockerCaCertificate, DockerClientCertificate and DockerClientKey are for a tcp:// or https:// endpoint; "
                    + $"the endpoint '{endpointText}' (from {endpointSource}) is a local socket.");
            return errors.Count == 0 ? new DockerConnection(endpoint, endpointSource, null, unauthenticated: false) : null;
        }

        // A network endpoint: our settings first, else Docker's conventions.
        string? ca, cert, key;
        string caName, certName, keyName;
        if (ownSet)
        {
            (ca, cert, key) = (Blank(options.DockerCaCertificate), Blank(options.DockerClientCertificate), Blank(options.DockerClientKey));
            (caName, certName, keyName) = ($"{Section}:DockerCaCertificate", $"{Section}:DockerClientCertificate", $"{Section}:DockerClientKey");
            if ((cert is null) != (key is null))
                errors.Add($"{certName} and {keyName} go together: set both (PEM files) or neither.");
            if (cert is not null && ca is null)
                errors.Add($"{caName} is required with a client certificate: the daemon's certificate is verified against that CA (PEM file).");
        }
        else if (environment(TlsVerifyVariable) is { Length: > 0 })
        {
            var folder = Blank(environment(CertPathVariable))
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
            (ca, cert, key) = (Path.Combine(folder, "ca.pem"), Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"));
            var via = environment(CertPathVariable) is { Length: > 0 } ? "DOCKER_CERT_PATH" : "DOCKER_TLS_VERIFY (no DOCKER_CERT_PATH: ~/.docker)";
            (caName, certName, keyName) = ($"{via}/ca.pem", $"{via}/cert.pem", $"{via}/key.pem");
        }
        else
        {
            (ca, cert, key) = (null, null, null);
            (caName, certName, keyName) = ("", "", "");
        }

        if (errors.Count > 0)
            return null;

        if (cert is null && !options.AllowUnauthenticatedDockerTcp)
        {
            var hint = environment(CertPathVariable) is { Length: > 0 } && !ownSet
                ? " (DOCKER_CERT_PATH is set but DOCKER_TLS_VERIFY is not: set DOCKER_TLS_VERIFY=1 to use its ca.pem, cert.pem and key.pem)"
                : "";
            errors.Add($"DockerEndpoint '{endpointText}' (from {endpointSource}) is a network endpoint without a client certificate: "
                + "whoever reaches that daemon is root on its host. Give the daemon's CA and a client certificate and key "
                + $"({Section}:DockerCaCertificate, DockerClientCertificate, DockerClientKey, or DOCKER_TLS_VERIFY=1 with DOCKER_CERT_PATH){hint}, "
                + $"or set {Section}:AllowUnauthenticatedDockerTcp=true to accept the risk.");
            return null;
        }

        if (endpoint.Scheme == "http" && (cert is not null || ca is not null))
        {
            errors.Add($"DockerEndpoint '{endpointText}' (from {endpointSource}) says http:// but TLS files are given: use tcp:// or https://.");
            return null;
        }

        if (ca is null && cert is null)
            return new DockerConnection(endpoint, endpointSource, null, unauthenticated: true);

        var files = new DockerTlsFiles(ca, caName, cert, certName, key, keyName);
        foreach (var problem in files.Check())
            errors.Add(problem);
        return errors.Count == 0 ? new DockerConnection(endpoint, endpointSource, files, unauthenticated: cert is null) : null;
    }

    /// <summary>A Docker.DotNet configuration for this connection (dispose it with the client).</summary>
    public DockerClientConfiguration CreateConfiguration(TimeSpan defaultTimeout = default)
    {
        if (Tls is null)
            return new DockerClientConfiguration(Endpoint, credentials: null, defaultTimeout: defaultTimeout);

        var client = Tls.LoadClientCertificate();
        var trusted = Tls.LoadCa();
        Credentials credentials = client is not null
            ? new CertificateCredentials(client) { ServerCertificateValidationCallback = (_, certificate, _, errors) => VerifyServer(certificate, errors, trusted) }
            : new CaOnlyCredentials((_, certificate, _, errors) => VerifyServer(certificate, errors, trusted));
        // Docker.DotNet turns tcp:// into https:// when the credentials are TLS ones.
        return new DockerClientConfiguration(Endpoint, credentials, defaultTimeout);
    }

    /// <summary>
    /// A sentence for an exception a call through this connection threw: names a refused daemon certificate (and why), or,
    /// for a TLS connection that broke, the client certificate we presented (<c>dockerd --tlsverify</c> ends at once the
    /// connections of a client certificate its CA did not issue); else the exception's own message.
    /// </summary>
    public string Describe(Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var chain = Chain(exception).ToList();
        var innermost = chain[^1].Message;
        if (Interlocked.Exchange(ref _lastServerCertificateProblem, null) is { } problem && chain.Any(e => e is AuthenticationException))
        {
            return $"the Docker daemon at {Endpoint} was refused: its certificate {problem} (CA from {Tls?.CaSource ?? "the system store"}).";
        }

        // A socket that never connected is no TLS matter; a connection that broke during or right after the handshake is.
        if (Tls is not null && !chain.Any(e => e is System.Net.Sockets.SocketException) && chain.Any(e => e is AuthenticationException or IOException))
        {
            var who = Tls.ClientSubject is { } subject
                ? $"the client certificate {subject} (from {Tls.ClientCertificateSource}, issued by {Tls.ClientIssuer})"
                : "no client certificate";
            return $"the TLS connection to the Docker daemon at {Endpoint} broke ({innermost}); we presented {who}: a daemon run "
                + "with --tlsverify ends at once every connection whose client certificate its --tlscacert did not issue.";
        }

        return Tls is not null && innermost != exception.Message ? $"{exception.Message} ({innermost})" : exception.Message;
    }

    /// <summary>True for the exceptions a failed TLS handshake surfaces as (besides the I/O ones callers already catch).</summary>
    public static bool IsTlsFailure(Exception exception) => Chain(exception).Any(e => e is AuthenticationException);

    private bool VerifyServer(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? trusted)
    {
        string? problem = null;
        if (certificate is null)
        {
            problem = "is missing";
        }
        else if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            problem = $"{certificate.Subject} does not name the host {Endpoint.Host}";
        }
        else if (trusted is null)
        {
            if (errors != SslPolicyErrors.None)
                problem = $"{certificate.Subject} is not trusted by the system ({errors})";
        }
        else
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            using var leaf = new X509Certificate2(certificate);
            if (!chain.Build(leaf))
            {
                var status = string.Join(", ", chain.ChainStatus.Select(s => s.Status).Distinct());
                problem = $"{leaf.Subject} (issued by {leaf.Issuer}) does not chain to the CA {trusted.Subject}: {status}";
            }
        }

        Volatile.Write(ref _lastServerCertificateProblem, problem);
        return problem is null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
            yield return e;
    }

    private static Exception Innermost(Exception exception) => Chain(exception).Last();

    /// <summary>TLS that verifies the daemon against a CA but presents no client certificate (only when explicitly allowed).</summary>
    private sealed class CaOnlyCredentials(RemoteCertificateValidationCallback callback) : Credentials
    {
        public override bool IsTlsCredentials() => true;

        public override HttpMessageHandler GetHandler(HttpMessageHandler innerHandler)
        {
            if (innerHandler is Microsoft.Net.Http.Client.ManagedHandler managed)
                managed.ServerCertificateValidationCallback = callback;
            return innerHandler;
        }
    }
}

/// <summary>The PEM files of a TLS connection to a Docker daemon, each with the setting or variable it came from.</summary>
public sealed record DockerTlsFiles(
    string? CaPath, string CaSource, string? ClientCertificatePath, string ClientCertificateSource, string? ClientKeyPath, string ClientKeySource)
{
    /// <summary>The client certificate's subject (null without one), for messages.</summary>
    public string? ClientSubject { get; private set; }

    /// <summary>The client certificate's issuer (null without one), for messages.</summary>
    public string? ClientIssuer { get; private set; }

    /// <summary>Problems with the files: missing, unreadable, not PEM, a key that does not match its certificate.</summary>
    public IReadOnlyList<string> Check()
    {
        var problems = new List<string>();
        if (CaPath is not null)
        {
            try
            {
                using var _ = LoadCa();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                problems.Add($"{CaSource} '{CaPath}' is not a readable PEM CA certificate: {ex.Message}");
            }
        }

        if (ClientCertificatePath is not null && ClientKeyPath is not null)
        {
            try
            {
                using var _ = LoadClientCertificate();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                problems.Add($"{ClientCertificateSource} '{ClientCertificatePath}' with {ClientKeySource} '{ClientKeyPath}' is not a readable "
                    + $"PEM certificate and matching private key: {ex.Message}");
            }
        }

        return problems;
    }

    /// <summary>The CA certificate, or null when none is given.</summary>
    public X509Certificate2? LoadCa()
    {
        if (CaPath is null)
            return null;
        if (!File.Exists(CaPath))
            throw new FileNotFoundException("no such file", CaPath);
        return X509Certificate2.CreateFromPem(File.ReadAllText(CaPath));
    }

    /// <summary>The client certificate with its private key, or null when none is given.</summary>
    public X509Certificate2? LoadClientCertificate()
    {
        if (ClientCertificatePath is null || ClientKeyPath is null)
            return null;
        foreach (var path in new[] { ClientCertificatePath, ClientKeyPath })
        {
            if (!File.Exists(path))
                throw new FileNotFoundException("no such file", path);
        }

        var certificate = X509Certificate2.CreateFromPemFile(ClientCertificatePath, ClientKeyPath);
        ClientSubject = certificate.Subject;
        ClientIssuer = certificate.Issuer;
        return certificate;
    }
}
