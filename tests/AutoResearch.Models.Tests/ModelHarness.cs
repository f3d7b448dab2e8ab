using AutoResearch.Abstractions.Ports;
using AutoResearch.Ledger;
using AutoResearch.Testing.OpenAi;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AutoResearch.Models.Tests;

/// <summary>
/// The production wiring (<see cref="ServiceCollectionExtensions.AddModelAgents"/>: the real Semantic Kernel client and Polly)
/// over a real SQLite ledger, pointed at a <see cref="ScriptedOpenAiServer"/>. Endpoints <c>model-a</c> and <c>model-b</c>
/// name the models <c>gpt-a</c> and <c>gpt-b</c>; their key is read from an environment variable unique to the test.
/// </summary>
public sealed class ModelHarness : IAsyncDisposable
{
    private readonly string _directory;

    private ModelHarness(ScriptedOpenAiServer server, ServiceProvider services, string directory, string keyVariable, string key, CapturedLogs logs)
    {
        Server = server;
        Services = services;
        _directory = directory;
        KeyVariable = keyVariable;
        Key = key;
        Logs = logs;
    }

    public ScriptedOpenAiServer Server { get; }
    public ServiceProvider Services { get; }
    public string KeyVariable { get; }
    public string Key { get; }
    public CapturedLogs Logs { get; }
    public string LedgerFile => Path.Combine(_directory, "ledger.db");
    public IModelGateway Gateway => Services.GetRequiredService<IModelGateway>();
    public ILedger Ledger => Services.GetRequiredService<ILedger>();
    public IJournal Journal => Services.GetRequiredService<IJournal>();
    public IProposerFactory Proposers => Services.GetRequiredService<IProposerFactory>();

    public static async Task<ModelHarness> StartAsync(int maxRetries = 2, string timeout = "00:00:05", int contextTokens = 16384, Dictionary<string, string?>? extra = null)
    {
        var server = await ScriptedOpenAiServer.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "ar-models-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var keyVariable = "AR_TEST_KEY_" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant();
        var key = "sk-secret-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(keyVariable, key);
        var settings = new Dictionary<string, string?>
        {
            ["AutoResearch:Models:MaxRetries"] = maxRetries.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["AutoResearch:Models:RetryBaseDelay"] = "00:00:00.010",
            ["AutoResearch:Models:MaxRetryDelay"] = "00:00:00.200",
            ["AutoResearch:Models:Cooldown"] = "00:00:30",
        };
        foreach (var (name, model) in new[] { ("model-a", "gpt-a"), ("model-b", "gpt-b") })
        {
            var at = $"AutoResearch:Models:Endpoints:{name}";
            settings[$"{at}:Provider"] = "compatible";
            settings[$"{at}:BaseUrl"] = server.BaseUrl;
            settings[$"{at}:Model"] = model;
            settings[$"{at}:ApiKeyVariable"] = keyVariable;
            settings[$"{at}:Timeout"] = timeout;
            settings[$"{at}:ContextTokens"] = contextTokens.ToString(System.Globalization.CultureInfo.InvariantCulture);
            settings[$"{at}:MaxOutputTokens"] = "1024";
        }
        foreach (var (k, v) in extra ?? []) settings[k] = v?.Replace("{server}", server.BaseUrl, StringComparison.Ordinal).Replace("{root}", server.RootUrl, StringComparison.Ordinal).Replace("{keyvar}", keyVariable, StringComparison.Ordinal);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var logs = new CapturedLogs();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace))
            .AddLedger(o => o.ConnectionString = $"Data Source={Path.Combine(directory, "ledger.db")}")
            .AddModelAgents(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        return new ModelHarness(server, services, directory, keyVariable, key, logs);
    }

    /// <summary>Closes pooled SQLite connections so the ledger file can be read whole.</summary>
    public Task DisposeLedgerConnectionsAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        Environment.SetEnvironmentVariable(KeyVariable, null);
        await Services.DisposeAsync();
        await Server.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
