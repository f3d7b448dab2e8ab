using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AutoResearch.Sandboxes.Tests;

/// <summary>
/// A throwaway PKI for the TLS tests: a CA, and certificates it (or another CA) issues, written as PEM files the way
/// <c>dockerd --tlsverify</c> and <c>DOCKER_CERT_PATH</c> expect them.
/// </summary>
internal sealed class TestPki : IDisposable
{
    private readonly ECDsa _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    public TestPki(string name)
    {
        Name = name;
        Directory = Path.Combine(Path.GetTempPath(), "ar-docker-tls", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        var request = new CertificateRequest($"CN={name} test CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        Ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CaPath = Path.Combine(Directory, "ca.pem");
        File.WriteAllText(CaPath, Ca.ExportCertificatePem());
    }

    public string Name { get; }

    public string Directory { get; }

    public X509Certificate2 Ca { get; }

    public string CaPath { get; }

    /// <summary>A server certificate for 127.0.0.1 and localhost, with its key (loaded for SslStream).</summary>
    public X509Certificate2 IssueServer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={Name} docker daemon", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        san.AddDnsName("localhost");
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var issued = Issue(request);
        using var withKey = issued.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }

    /// <summary>A client certificate with its key, written as <c>cert.pem</c> and <c>key.pem</c> in a folder of their own (with this CA's <c>ca.pem</c>).</summary>
    public (string Folder, string CertPath, string KeyPath) IssueClient(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={subject}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var issued = Issue(request);
        var folder = Path.Combine(Directory, subject);
        System.IO.Directory.CreateDirectory(folder);
        var certPath = Path.Combine(folder, "cert.pem");
        var keyPath = Path.Combine(folder, "key.pem");
        File.WriteAllText(certPath, issued.ExportCertificatePem());
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        File.Copy(CaPath, Path.Combine(folder, "ca.pem"));
        return (folder, certPath, keyPath);
    }

    private X509Certificate2 Issue(CertificateRequest request)
    {
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        return request.Create(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(_caKey), DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow.AddHours(12), RandomNumberGenerator.GetBytes(16));
    }

    public void Dispose()
    {
        Ca.Dispose();
        _caKey.Dispose();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>
/// A loopback TLS endpoint in front of the real local Docker daemon's socket, behaving like <c>dockerd --tlsverify</c>: it
/// presents <paramref name="serverCertificate"/>, requires a client certificate issued by <paramref name="clientCa"/>, and
/// forwards each accepted connection to the daemon's unix socket.
/// </summary>
internal sealed class TlsDockerProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _serverCertificate;
    private readonly X509Certificate2 _clientCa;
    private readonly string _socketPath;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _accepting;
    private int _refused;
    private int _forwarded;
    private long _bytesForwarded;

    public TlsDockerProxy(X509Certificate2 serverCertificate, X509Certificate2 clientCa, string socketPath)
    {
        _serverCertificate = serverCertificate;
        _clientCa = clientCa;
        _socketPath = socketPath;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Handshakes refused because the client presented no certificate or one this proxy's CA did not issue.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Connections whose handshake completed here and were connected to the daemon.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    /// <summary>Bytes the clients sent to the daemon through this endpoint.</summary>
    public long BytesForwarded => Interlocked.Read(ref _bytesForwarded);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        await using var tls = new SslStream(client.GetStream(), false);
        try
        {
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = _serverCertificate,
                ClientCertificateRequired = true,
                RemoteCertificateValidationCallback = (_, certificate, _, _) => IssuedByClientCa(certificate),
            }, _stop.Token);
        }
        catch (Exception)
        {
            Interlocked.Increment(ref _refused);
            return;
        }

        Interlocked.Increment(ref _forwarded);
        using var daemon = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await daemon.ConnectAsync(new UnixDomainSocketEndPoint(_socketPath), _stop.Token);
            await using var daemonStream = new NetworkStream(daemon, ownsSocket: false);
            var up = CountingCopyAsync(tls, daemonStream);
            var down = daemonStream.CopyToAsync(tls, _stop.Token);
            await Task.WhenAny(up, down);
            // The client finished sending: let the daemon finish its answer (the runner's hijacked streams half-close).
            if (up.IsCompleted)
            {
                daemon.Shutdown(SocketShutdown.Send);
                await down;
            }
        }
        catch (Exception)
        {
            // A connection torn down by either side ends here.
        }
    }

    private async Task CountingCopyAsync(Stream from, Stream to)
    {
        var buffer = new byte[81920];
        int read;
        while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
        {
            Interlocked.Add(ref _bytesForwarded, read);
            await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
        }
    }

    private bool IssuedByClientCa(X509Certificate? certificate)
    {
        if (certificate is null)
            return false;
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(_clientCa);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accepting;
        _stop.Dispose();
    }
}
