using System.Collections.Concurrent;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;

namespace AutoResearch.Web.Campaigns;

/// <summary>
/// One watcher per campaign for the console's server-sent events: while anyone watches a campaign, one loop reads its
/// state once per interval and pushes each change (and a keep-alive after 15 quiet seconds) to every viewer, instead of
/// each connection re-reading experiments, leaderboard and journal itself. The loop ends with its last viewer.
/// </summary>
public sealed class CampaignWatchers(Func<string, CancellationToken, Task<CampaignDetail?>> read, TimeSpan interval, ILogger<CampaignWatchers>? logger = null)
{
    private static readonly TimeSpan KeepAlive = TimeSpan.FromSeconds(15);
    private readonly ConcurrentDictionary<string, Watcher> _watchers = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public CampaignWatchers(ConsoleCampaigns console, Microsoft.Extensions.Options.IOptions<ConsoleOptions> options, ILogger<CampaignWatchers> logger)
        : this(console.GetAsync, options.Value.LiveInterval, logger)
    {
    }

    /// <summary>Campaigns watched now.</summary>
    public int Active => _watchers.Count;

    /// <summary>Times the campaign's state was read since its watcher started (for tests: once per tick, whatever the viewers).</summary>
    public long Reads(string id) => _watchers.TryGetValue(id, out var w) ? Interlocked.Read(ref w.ReadCount) : 0;

    /// <summary>The campaign's 'status' events for one viewer: the current state at once, then every change, until it is cancelled or the campaign is gone.</summary>
    public async IAsyncEnumerable<SseItem<CampaignDetail>> WatchAsync(string id, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var viewer = Channel.CreateBounded<SseItem<CampaignDetail>>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        Watcher watcher;
        lock (_gate)
        {
            watcher = _watchers.GetOrAdd(id, key => new Watcher(key));
            watcher.Viewers.Add(viewer.Writer);
            if (watcher.Last is { } current) viewer.Writer.TryWrite(current);
            watcher.Loop ??= Task.Run(() => RunAsync(watcher), CancellationToken.None);
        }
        try
        {
            await foreach (var item in viewer.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return item;
        }
        finally
        {
            lock (_gate)
            {
                watcher.Viewers.Remove(viewer.Writer);
                if (watcher.Viewers.Count == 0)
                {
                    watcher.Stop.Cancel();
                    _watchers.TryRemove(new KeyValuePair<string, Watcher>(id, watcher));
                }
            }
        }
    }

    private async Task RunAsync(Watcher watcher)
    {
        string? last = null;
        var quietSince = DateTime.UtcNow;
        var stop = watcher.Stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                CampaignDetail? detail;
                try
                {
                    Interlocked.Increment(ref watcher.ReadCount);
                    detail = await read(watcher.Id, stop).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger?.LogWarning(ex, "Reading campaign {CampaignId} for its live view failed; trying again", watcher.Id);
                    await Task.Delay(interval, stop).ConfigureAwait(false);
                    continue;
                }
                if (detail is null) break;
                // Compare without the clock so that an unchanged campaign sends nothing but a keep-alive now and then.
                var fingerprint = JsonSerializer.Serialize(detail with { Now = default });
                if (fingerprint != last || DateTime.UtcNow - quietSince > KeepAlive)
                {
                    last = fingerprint;
                    quietSince = DateTime.UtcNow;
                    var item = new SseItem<CampaignDetail>(detail, "status");
                    lock (_gate)
                    {
                        watcher.Last = item;
                        foreach (var viewer in watcher.Viewers) viewer.TryWrite(item);
                    }
                }
                await Task.Delay(interval, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
        lock (_gate)
        {
            // The campaign is gone (or nobody watches): end every viewer's stream.
            foreach (var viewer in watcher.Viewers) viewer.TryComplete();
            _watchers.TryRemove(new KeyValuePair<string, Watcher>(watcher.Id, watcher));
        }
    }

    private sealed class Watcher(string id)
    {
        public string Id { get; } = id;
        public List<ChannelWriter<SseItem<CampaignDetail>>> Viewers { get; } = [];
        public CancellationTokenSource Stop { get; } = new();
        public Task? Loop { get; set; }
        public SseItem<CampaignDetail>? Last { get; set; }
        public long ReadCount;
    }
}
