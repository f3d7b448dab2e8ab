using AutoResearch.Abstractions.Experiments;

namespace AutoResearch.Sandboxes;

/// <summary>
/// The metric points one run keeps, bounded whatever it prints: the first <see cref="HeadCount"/>, the last
/// <see cref="TailCount"/>, an evenly thinned sample of the middle (at most <see cref="MiddleCount"/>: every k-th point,
/// k doubling as needed) and the last point of every metric name; in the order they came. Not thread-safe.
/// </summary>
internal sealed class MetricPointBuffer
{
    public const int HeadCount = 100;
    public const int TailCount = 100;
    public const int MiddleCount = 800;

    /// <summary>Most points <see cref="ToArray"/> returns besides the last point of each name (at most <see cref="MaxNames"/> more).</summary>
    public const int MaxStored = HeadCount + TailCount + MiddleCount;

    /// <summary>Names whose last point is always kept (the first ones seen).</summary>
    public const int MaxNames = 100;

    private readonly List<(long Index, MetricPoint Point)> _head = [];
    private readonly Queue<(long Index, MetricPoint Point)> _tail = new();
    private readonly List<(long Index, MetricPoint Point)> _middle = [];
    private readonly Dictionary<string, (long Index, MetricPoint Point)> _lastByName = new(StringComparer.Ordinal);
    private long _stride = 1;

    /// <summary>Points added.</summary>
    public long Count { get; private set; }

    /// <summary>Points added but not kept.</summary>
    public long Dropped => Math.Max(0, Count - ToArrayCount());

    public void Add(MetricPoint point)
    {
        var entry = (Count, point);
        Count++;
        if (_lastByName.Count < MaxNames || _lastByName.ContainsKey(point.Name))
        {
            _lastByName[point.Name] = entry;
        }

        if (_head.Count < HeadCount)
        {
            _head.Add(entry);
            return;
        }

        _tail.Enqueue(entry);
        if (_tail.Count <= TailCount)
        {
            return;
        }

        // The oldest of the tail moves to the middle, thinned to every _stride-th point.
        var moved = _tail.Dequeue();
        if ((moved.Index - HeadCount) % _stride != 0)
        {
            return;
        }

        _middle.Add(moved);
        if (_middle.Count > MiddleCount)
        {
            _stride *= 2;
            _middle.RemoveAll(e => (e.Index - HeadCount) % _stride != 0);
        }
    }

    /// <summary>The kept points in arrival order.</summary>
    public MetricPoint[] ToArray() => Entries().Select(e => e.Point).ToArray();

    private int ToArrayCount() => Entries().Count();

    private IEnumerable<(long Index, MetricPoint Point)> Entries()
    {
        var kept = new SortedDictionary<long, MetricPoint>();
        foreach (var (index, point) in _head.Concat(_middle).Concat(_tail).Concat(_lastByName.Values))
        {
            kept[index] = point;
        }

        return kept.Select(kv => (kv.Key, kv.Value));
    }
}
