using System.Reflection;
using System.Text.RegularExpressions;
using AutoResearch.Grains;
using AutoResearch.Host.Hosting;
using AutoResearch.Models;
using AutoResearch.Reports;
using AutoResearch.Sandboxes;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace AutoResearch.Web.Tests;

/// <summary>
/// deploy/compose.yaml and deploy/kubernetes/*.yaml parse, and every setting they give the AutoResearch host is one the host
/// binds (unknown keys and unconvertible values fail the binder), with a valid cluster configuration, a TLS Docker endpoint
/// of its own per silo, and shared reports and artifacts; README's host-settings table names only bound settings.
/// Without <c>docker compose</c> or a cluster here, this is what keeps the files from rotting.
/// </summary>
public sealed partial class DeployFilesTests
{
    private const string HostImage = "autoresearch/host:";

    /// <summary>Configuration sections and the options classes the host binds them to.</summary>
    private static readonly (string Section, Type Options)[] Sections =
    [
        (ModelOptions.Section, typeof(ModelOptions)), // AutoResearch:Models, before AutoResearch
        (AutoResearchOptions.Section, typeof(AutoResearchOptions)),
        (SandboxOptions.SectionName, typeof(SandboxOptions)),
        (FleetOptions.Section, typeof(FleetOptions)),
        (AgentOptions.Section, typeof(AgentOptions)),
        (ConsoleOptions.Section, typeof(ConsoleOptions)),
        ("Reports", typeof(ReportOptions)),
    ];

    /// <summary>Plain environment variables the host reads itself.</summary>
    private static readonly string[] PlainVariables =
    [
        ConsoleApp.AdminPasswordVariable, AutoResearchOptions.DataDirectoryVariable,
        DockerConnection.HostVariable, DockerConnection.TlsVerifyVariable, DockerConnection.CertPathVariable,
    ];

    [Fact]
    public void Compose_file_gives_two_silos_bound_settings_their_own_TLS_docker_and_shared_storage()
    {
        var root = Load(Path.Combine(RepoRoot(), "deploy", "compose.yaml")).Single();
        var services = Map(root, "services");
        Assert.Contains("postgres", services.Children.Keys.Select(k => k.ToString()));

        var hosts = services.Children
            .Where(s => Scalar(s.Value, "image")?.StartsWith(HostImage, StringComparison.Ordinal) == true)
            .Select(s => (Name: s.Key.ToString(), Node: (YamlMappingNode)s.Value))
            .ToList();
        Assert.True(hosts.Count >= 2, $"compose.yaml has {hosts.Count} AutoResearch services; a cluster needs two silos");

        var endpoints = new List<string>();
        var dataVolumes = new List<string>();
        foreach (var (name, node) in hosts)
        {
            Assert.True(Scalar(node, "restart") is "unless-stopped" or "always",
                $"{name}: a silo that dies must come back (it reaps the sandboxes it left on its own Docker host when it starts)");
            var environment = ComposeEnvironment(node);
            var (options, sandbox) = CheckHostSettings($"compose service {name}", environment);
            endpoints.Add(sandbox.DockerEndpoint!);

            var mounts = Sequence(node, "volumes").Select(v => v.ToString().Split(':')).ToDictionary(p => p[1], p => p[0]);
            Assert.True(mounts.TryGetValue(options.DataDirectory, out var data), $"{name}: no volume at its data directory {options.DataDirectory}");
            dataVolumes.Add(data!);
            Assert.Equal("reports", mounts.GetValueOrDefault(options.DataDirectory + "/reports"));
            Assert.Equal("artifacts", mounts.GetValueOrDefault(options.DataDirectory + "/artifacts"));
            foreach (var file in new[] { sandbox.DockerCaCertificate, sandbox.DockerClientCertificate, sandbox.DockerClientKey })
                Assert.Contains(mounts.Keys, target => file!.StartsWith(target + "/", StringComparison.Ordinal));
        }

        Assert.Equal(hosts.Count, endpoints.Distinct().Count());
        Assert.Equal(hosts.Count, dataVolumes.Distinct().Count());
        var volumes = Map(root, "volumes").Children.Keys.Select(k => k.ToString()).ToList();
        Assert.Contains("reports", volumes);
        Assert.Contains("artifacts", volumes);
        // Exactly one silo runs the demo campaign.
        Assert.Single(hosts, h => h.Node.ToString().Contains("run campaigns/demo.yaml", StringComparison.Ordinal));
    }

    [Fact]
    public void Kubernetes_manifests_give_the_silos_bound_settings_their_own_TLS_docker_and_shared_storage()
    {
        var folder = Path.Combine(RepoRoot(), "deploy", "kubernetes");
        var kustomization = Load(Path.Combine(folder, "kustomization.yaml")).Single();
        var listed = Sequence(kustomization, "resources").Select(r => r.ToString()).ToList();
        var documents = listed.SelectMany(file => Load(Path.Combine(folder, file))).ToList();
        Assert.Equal(
            Directory.GetFiles(folder, "*.yaml").Select(Path.GetFileName).Where(f => f != "kustomization.yaml").Order(),
            listed.Order());

        var workloads = documents.Where(d => Scalar(d, "kind") is "StatefulSet" or "Deployment" or "DaemonSet" or "Job").ToList();
        var silos = 0;
        foreach (var workload in workloads)
        {
            var pod = Map(Map(Map(workload, "spec"), "template"), "spec");
            var containers = (Sequence(pod, "initContainers", optional: true)).Concat(Sequence(pod, "containers")).Cast<YamlMappingNode>();
            foreach (var container in containers.Where(c => Scalar(c, "image")?.StartsWith(HostImage, StringComparison.Ordinal) == true))
            {
                var where = $"{Scalar(Map(workload, "metadata"), "name")}/{Scalar(container, "name")}";
                var environment = Sequence(container, "env").Cast<YamlMappingNode>().ToDictionary(
                    e => Scalar(e, "name")!,
                    e => Scalar(e, "value") ?? PlaceholderFor(e));
                var (options, sandbox) = CheckHostSettings(where, environment);
                silos += int.Parse(Scalar(Map(workload, "spec"), "replicas") ?? "1", System.Globalization.CultureInfo.InvariantCulture);

                var mounts = Sequence(container, "volumeMounts").Cast<YamlMappingNode>().ToList();
                string? SharedAt(string path) => mounts.SingleOrDefault(m => Scalar(m, "mountPath") == path) is { } m ? $"{Scalar(m, "name")}:{Scalar(m, "subPath")}" : null;
                var reports = SharedAt(options.DataDirectory + "/reports");
                var artifacts = SharedAt(options.DataDirectory + "/artifacts");
                Assert.NotNull(reports);
                Assert.NotNull(artifacts);
                var shared = reports!.Split(':')[0];
                Assert.Equal(shared, artifacts!.Split(':')[0]);
                var claim = Scalar(Map(Sequence(pod, "volumes").Cast<YamlMappingNode>().Single(v => Scalar(v, "name") == shared), "persistentVolumeClaim"), "claimName");
                var pvc = documents.Single(d => Scalar(d, "kind") == "PersistentVolumeClaim" && Scalar(Map(d, "metadata"), "name") == claim);
                Assert.Contains("ReadWriteMany", Sequence(Map(pvc, "spec"), "accessModes").Select(a => a.ToString()));
                Assert.Contains(mounts, m => Scalar(m, "mountPath") == options.DataDirectory);
                // The Docker daemon is the pod's own (a sidecar on localhost), reached with TLS.
                Assert.Equal("localhost", new Uri(sandbox.DockerEndpoint!).Host);
            }
        }

        Assert.True(silos >= 2, $"the manifests run {silos} AutoResearch silos; a cluster needs two");
    }

    [Fact]
    public void Readme_host_settings_table_names_only_bound_settings()
    {
        var readme = File.ReadAllText(Path.Combine(RepoRoot(), "README.md"));
        var start = readme.IndexOf("### Host settings", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no '### Host settings' section");
        var end = readme.IndexOf("\n## ", start, StringComparison.Ordinal);
        var rows = readme[start..(end < 0 ? readme.Length : end)].Split('\n').Where(l => l.StartsWith("| `", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(rows);
        var keys = rows.SelectMany(r => SettingName().Matches(r.Split('|')[1]).Select(m => m.Groups[1].Value)).ToList();
        Assert.Contains("Sandboxes:DockerCaCertificate", keys);
        Assert.Contains("Sandboxes:AllowUnauthenticatedDockerTcp", keys);
        foreach (var key in keys)
        {
            var (section, type) = SectionOf(key.Split(':'));
            var property = key[(section.Length + 1)..].Split(':')[0];
            Assert.True(type.GetProperty(property, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase)?.CanWrite == true,
                $"README.md's host settings name {key}, but {type.Name} has no settable {property}");
        }
    }

    /// <summary>Binds the settings as the host would (unknown keys fail), validates the cluster options and the Docker connection.</summary>
    private static (AutoResearchOptions Options, SandboxOptions Sandbox) CheckHostSettings(string where, IReadOnlyDictionary<string, string> environment)
    {
        var configuration = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in environment)
        {
            if (PlainVariables.Contains(name, StringComparer.Ordinal))
                continue;
            Assert.True(name.Contains("__", StringComparison.Ordinal), $"{where}: {name} is neither a setting (Section__Name) nor a variable the host reads");
            var path = name.Split("__");
            SectionOf(path, where);
            configuration[string.Join(':', path)] = value;
        }

        var built = new ConfigurationBuilder().AddInMemoryCollection(configuration).Build();
        foreach (var (section, type) in Sections)
        {
            var node = built.GetSection(section);
            if (!node.Exists())
                continue;
            // Sub-sections that are options of their own (AutoResearch:Models) are bound by their class.
            var own = Sections.Where(s => s.Section.StartsWith(section + ":", StringComparison.Ordinal)).Select(s => s.Section[(section.Length + 1)..]).ToList();
            var trimmed = new ConfigurationBuilder().AddInMemoryCollection(node.AsEnumerable(makePathsRelative: true)
                .Where(kv => kv.Value is not null && !own.Any(o => kv.Key.StartsWith(o + ":", StringComparison.OrdinalIgnoreCase) || kv.Key.Equals(o, StringComparison.OrdinalIgnoreCase)))).Build();
            var ex = Record.Exception(() => trimmed.Get(type, binder => binder.ErrorOnUnknownConfiguration = true));
            Assert.True(ex is null, $"{where}: the {section} settings do not bind to {type.Name}: {ex?.Message}");
        }

        var options = built.GetSection(AutoResearchOptions.Section).Get<AutoResearchOptions>() ?? new AutoResearchOptions();
        Assert.True(options.IsCluster, $"{where}: AutoResearch__Clustering is not Postgres");
        Assert.Empty(options.Validate());
        Assert.StartsWith("/", options.DataDirectory, StringComparison.Ordinal);

        var sandbox = built.GetSection(SandboxOptions.SectionName).Get<SandboxOptions>() ?? new SandboxOptions();
        Assert.False(sandbox.AllowUnauthenticatedDockerTcp, $"{where}: reaches its Docker daemon without a client certificate");
        DockerConnection.TryResolve(sandbox, name => environment.GetValueOrDefault(name), out var problems);
        // The PEM files exist only inside the containers: their absence is the one problem allowed here.
        Assert.All(problems, p => Assert.Contains("is not a readable PEM", p, StringComparison.Ordinal));
        Assert.NotNull(sandbox.DockerCaCertificate);
        Assert.NotNull(sandbox.DockerClientCertificate);
        Assert.NotNull(sandbox.DockerClientKey);
        Assert.Equal("tcp", new Uri(sandbox.DockerEndpoint!).Scheme);
        Assert.True(environment.ContainsKey(ConsoleApp.AdminPasswordVariable) || environment.ContainsKey("Console__AdminPassword"), $"{where}: no admin password for the console");
        return (options, sandbox);
    }

    private static (string Section, Type Options) SectionOf(string[] path, string? where = null)
    {
        foreach (var (section, type) in Sections)
        {
            var parts = section.Split(':');
            if (path.Length > parts.Length && parts.Select((p, i) => string.Equals(p, path[i], StringComparison.OrdinalIgnoreCase)).All(x => x))
                return (section, type);
        }

        Assert.Fail($"{where ?? "README.md"}: {string.Join("__", path)} names no section the host binds ({string.Join(", ", Sections.Select(s => s.Section))})");
        throw new InvalidOperationException();
    }

    private static string PlaceholderFor(YamlMappingNode env)
    {
        var from = Map(env, "valueFrom");
        if (from.Children.ContainsKey("fieldRef"))
            return "10.1.2.3"; // status.podIP
        return "Host=postgres;Database=autoresearch;Username=autoresearch;Password=from-a-secret";
    }

    private static Dictionary<string, string> ComposeEnvironment(YamlMappingNode service)
    {
        var node = service.Children[new YamlScalarNode("environment")];
        return node is YamlMappingNode map
            ? map.Children.ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.ToString())
            : ((YamlSequenceNode)node).Children.Select(c => c.ToString().Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "");
    }

    private static List<YamlMappingNode> Load(string path)
    {
        Assert.True(File.Exists(path), $"{path} is missing");
        var stream = new YamlStream();
        using (var reader = new StreamReader(path))
            stream.Load(reader);
        return stream.Documents.Select(d => Assert.IsType<YamlMappingNode>(d.RootNode)).ToList();
    }

    private static YamlMappingNode Map(YamlNode node, string key) =>
        Assert.IsType<YamlMappingNode>(((YamlMappingNode)node).Children[new YamlScalarNode(key)]);

    private static IEnumerable<YamlNode> Sequence(YamlNode node, string key, bool optional = false) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? Assert.IsType<YamlSequenceNode>(value).Children
            : optional ? [] : throw new Xunit.Sdk.XunitException($"no '{key}' in {node.Start}");

    private static string? Scalar(YamlNode node, string key) =>
        ((YamlMappingNode)node).Children.TryGetValue(new YamlScalarNode(key), out var value) && value is YamlScalarNode scalar ? scalar.Value : null;

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AutoResearch.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("AutoResearch.sln not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"`([A-Za-z]+:[A-Za-z:]+)`")]
    private static partial Regex SettingName();
}
