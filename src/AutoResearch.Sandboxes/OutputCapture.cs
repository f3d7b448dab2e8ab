using System.Text;

namespace AutoResearch.Sandboxes;

/// <summary>
/// Collects a run's interleaved stdout/stderr: keeps the first and the last <c>capBytes</c> bytes (never overlapping),
/// and hands every complete line (per stream) to a callback. Lines longer than the cap are cut and flagged.
/// Not thread-safe: one reader feeds it.
/// </summary>
internal sealed class OutputCapture
{
    private const int LineSearchBytes = 512;

    private readonly int _cap;
    private readonly Action<string, bool, bool> _onLine;
    private readonly byte[] _head;
    private readonly byte[] _tail;
    private readonly LineSplitter _stdout;
    private readonly LineSplitter _stderr;
    private int _headLength;
    private long _tailWritten;

    /// <param name="capBytes">Bytes kept at the head and, separately, at the tail.</param>
    /// <param name="onLine">Called with each line (no newline) and whether it was cut.</param>
    public OutputCapture(int capBytes, Action<string, bool> onLine)
        : this(capBytes, (line, cut, _) => onLine(line, cut))
    {
    }

    /// <param name="capBytes">Bytes kept at the head and, separately, at the tail.</param>
    /// <param name="onLine">Called with each line (no newline), whether it was cut, and whether it came on stderr.</param>
    public OutputCapture(int capBytes, Action<string, bool, bool> onLine)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capBytes, 1);
        _cap = capBytes;
        _onLine = onLine;
        _head = new byte[capBytes];
        _tail = new byte[capBytes];
        _stdout = new LineSplitter(capBytes, (line, cut) => _onLine(line, cut, false));
        _stderr = new LineSplitter(capBytes, (line, cut) => _onLine(line, cut, true));
    }

    /// <summary>All bytes seen.</summary>
    public long TotalBytes { get; private set; }

    /// <summary>Bytes neither in the head nor in the tail.</summary>
    public long OmittedBytes => Math.Max(0, _tailWritten - _cap);

    public void Append(ReadOnlySpan<byte> data, bool isStderr)
    {
        TotalBytes += data.Length;
        var toHead = Math.Min(_cap - _headLength, data.Length);
        if (toHead > 0)
        {
            data[..toHead].CopyTo(_head.AsSpan(_headLength));
            _headLength += toHead;
        }

        var rest = data[toHead..];
        if (rest.Length > _cap)
        {
            _tailWritten += rest.Length - _cap;
            rest = rest[^_cap..];
        }

        foreach (var b in rest)
        {
            _tail[(int)(_tailWritten % _cap)] = b;
            _tailWritten++;
        }

        (isStderr ? _stderr : _stdout).Feed(data);
    }

    /// <summary>Flushes unfinished last lines.</summary>
    public void Complete()
    {
        _stdout.Flush();
        _stderr.Flush();
    }

    /// <summary>The first bytes of the output, decoded.</summary>
    public string Head => Encoding.UTF8.GetString(_head, 0, TrimIncompleteUtf8(_head.AsSpan(0, _headLength)));

    /// <summary>The last bytes after the head, decoded; starts with a marker when bytes were omitted.</summary>
    public string Tail
    {
        get
        {
            var length = (int)Math.Min(_tailWritten, _cap);
            var bytes = new byte[length];
            var start = _tailWritten <= _cap ? 0 : (int)(_tailWritten % _cap);
            for (var i = 0; i < length; i++)
            {
                bytes[i] = _tail[(start + i) % _cap];
            }

            ReadOnlySpan<byte> span = bytes;
            if (OmittedBytes == 0)
            {
                return Encoding.UTF8.GetString(span);
            }

            // Start at a line boundary when one is near, else at a character boundary.
            var newline = span[..Math.Min(span.Length, LineSearchBytes)].IndexOf((byte)'\n');
            span = newline >= 0 && newline < span.Length - 1 ? span[(newline + 1)..] : SkipContinuationBytes(span);
            var omitted = OmittedBytes + (length - span.Length);
            return $"[... {omitted} bytes of output omitted ...]\n" + Encoding.UTF8.GetString(span);
        }
    }

    /// <summary>The last <paramref name="count"/> non-empty lines of the kept output, at most <paramref name="maxChars"/> characters.</summary>
    public string LastLines(int count, int maxChars)
    {
        var text = OmittedBytes == 0 ? Head + Tail : Tail;
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => !l.StartsWith("[... ", StringComparison.Ordinal))
            .TakeLast(count);
        var joined = string.Join("\n", lines);
        return joined.Length <= maxChars ? joined : "..." + joined[^maxChars..];
    }

    private static int TrimIncompleteUtf8(ReadOnlySpan<byte> bytes)
    {
        // Drop a multi-byte sequence cut at the end so it does not decode to a replacement character.
        for (var back = 1; back <= Math.Min(3, bytes.Length); back++)
        {
            var b = bytes[^back];
            if ((b & 0xC0) == 0x80)
            {
                continue;
            }

            var needed = (b & 0xE0) == 0xC0 ? 2 : (b & 0xF0) == 0xE0 ? 3 : (b & 0xF8) == 0xF0 ? 4 : 1;
            return needed > back ? bytes.Length - back : bytes.Length;
        }

        return bytes.Length;
    }

    private static ReadOnlySpan<byte> SkipContinuationBytes(ReadOnlySpan<byte> span)
    {
        var i = 0;
        while (i < span.Length && i < 3 && (span[i] & 0xC0) == 0x80)
        {
            i++;
        }

        return span[i..];
    }
}
