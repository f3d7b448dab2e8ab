using AutoResearch.Web.Campaigns;

namespace AutoResearch.Web.Tests;

/// <summary>The console's live view: one watcher per campaign reads its state once per tick and pushes the same events to every viewer.</summary>
public sealed class CampaignWatchersTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Two_viewers_get_the_same_events_from_one_read_per_tick()
    {
        var reads = 0;
        // The campaign changes on every 3rd read (finished experiments 0, 0, 0, 1, 1, 1, 2, ...), so some ticks send nothing.
        Task<CampaignDetail?> Read(string id, CancellationToken _)
        {
            var n = Interlocked.Increment(ref reads);
            return Task.FromResult<CampaignDetail?>(Detail(id, finished: (n - 1) / 3));
        }
        var watchers = new CampaignWatchers(Read, TimeSpan.FromMilliseconds(20));

        using var cts = new CancellationTokenSource(Timeout);
        var first = new List<int>();
        var second = new List<int>();
        var secondStarted = new TaskCompletionSource();
        async Task ViewAsync(List<int> seen, Func<Task>? afterFirst)
        {
            await foreach (var item in watchers.WatchAsync("c1", cts.Token))
            {
                seen.Add(item.Data.Campaign.Finished);
                Assert.Equal("status", item.EventType);
                if (seen.Count == 1 && afterFirst is not null) await afterFirst();
                if (item.Data.Campaign.Finished == 4) return;
            }
        }

        // The second viewer joins after the first has its first event: it starts from the latest state, then sees what the first sees.
        var one = ViewAsync(first, () => { secondStarted.TrySetResult(); return Task.CompletedTask; });
        await secondStarted.Task.WaitAsync(Timeout);
        var two = ViewAsync(second, null);
        await Task.WhenAll(one, two).WaitAsync(Timeout);

        Assert.Equal([0, 1, 2, 3, 4], first);
        Assert.Equal(first.SkipWhile(f => f < second[0]), second);
        Assert.Equal(0, watchers.Active); // both viewers left: the watcher is gone
        // 5 distinct states need 13 reads (3 per state, the last one at its first read); two viewers must not double that.
        Assert.InRange(reads, 13, 17);
    }

    [Fact]
    public async Task The_watcher_stops_with_its_last_viewer_and_a_gone_campaign_ends_every_stream()
    {
        var reads = 0;
        var gone = false;
        Task<CampaignDetail?> Read(string id, CancellationToken _)
        {
            Interlocked.Increment(ref reads);
            return Task.FromResult(Volatile.Read(ref gone) ? null : Detail(id, finished: 0));
        }
        var watchers = new CampaignWatchers(Read, TimeSpan.FromMilliseconds(20));

        using (var cts = new CancellationTokenSource())
        {
            await using var stream = watchers.WatchAsync("c2", cts.Token).GetAsyncEnumerator(cts.Token);
            Assert.True(await stream.MoveNextAsync().AsTask().WaitAsync(Timeout));
            Assert.Equal(1, watchers.Active);
            await cts.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stream.MoveNextAsync().AsTask().WaitAsync(Timeout));
        }
        Assert.Equal(0, watchers.Active);
        var afterLastViewer = Volatile.Read(ref reads);
        await Task.Delay(200);
        Assert.InRange(Volatile.Read(ref reads), afterLastViewer, afterLastViewer + 1); // at most the read in flight when it stopped

        // A campaign that disappears ends every viewer's stream rather than leaving it open.
        using var viewers = new CancellationTokenSource(Timeout);
        var firstA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstB = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = Count(watchers.WatchAsync("c3", viewers.Token), firstA);
        var b = Count(watchers.WatchAsync("c3", viewers.Token), firstB);
        // Both viewers have their first event before the campaign goes (however slow the machine).
        await Task.WhenAll(firstA.Task, firstB.Task).WaitAsync(Timeout);
        Volatile.Write(ref gone, true);
        var counts = await Task.WhenAll(a, b).WaitAsync(Timeout);
        Assert.All(counts, c => Assert.Equal(1, c));
        Assert.Equal(0, watchers.Active);

        static async Task<int> Count(IAsyncEnumerable<System.Net.ServerSentEvents.SseItem<CampaignDetail>> events, TaskCompletionSource first)
        {
            var n = 0;
            await foreach (var _ in events)
            {
                n++;
                first.TrySetResult();
            }
            return n;
        }
    }

    private static CampaignDetail Detail(string id, int finished) => new(
        new CampaignListItem(id, id, "Running", "bench", "loss", "minimize", DateTimeOffset.UnixEpoch, null, null, null, finished, 10, null, null, null, 1, false),
        "goal", null, null, null, 0, null, finished, 0, 0, 1, new BudgetView(0, 0, 0, 0, 0, 0), [], [], [], [], [], 0, [], DateTimeOffset.UtcNow);
}
