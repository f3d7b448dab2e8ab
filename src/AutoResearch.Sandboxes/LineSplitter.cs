using System.Text;

namespace AutoResearch.Sandboxes;

/// <summary>Decodes one UTF-8 byte stream into lines (LF or CRLF); lines longer than a limit are cut and flagged.</summary>
internal sealed class LineSplitter(int maxLineChars, Action<string, bool> onLine)
{
    private readonly Decoder _decoder = new UTF8Encoding(false, false).GetDecoder();
    private readonly StringBuilder _line = new();
    private char[] _chars = new char[4096];
    private bool _cut;

    public void Feed(ReadOnlySpan<byte> data)
    {
        var needed = _decoder.GetCharCount(data, flush: false);
        if (_chars.Length < needed)
        {
            _chars = new char[Math.Max(needed, _chars.Length * 2)];
        }

        var count = _decoder.GetChars(data, _chars, flush: false);
        var chars = _chars.AsSpan(0, count);
        while (!chars.IsEmpty)
        {
            var newline = chars.IndexOf('\n');
            Add(newline < 0 ? chars : chars[..newline]);
            if (newline < 0)
            {
                break;
            }

            Emit();
            chars = chars[(newline + 1)..];
        }
    }

    /// <summary>Emits an unfinished last line, if any.</summary>
    public void Flush()
    {
        if (_line.Length > 0 || _cut)
        {
            Emit();
        }
    }

    private void Add(ReadOnlySpan<char> piece)
    {
        var room = maxLineChars - _line.Length;
        if (piece.Length > room)
        {
            _line.Append(piece[..Math.Max(0, room)]);
            _cut = true;
        }
        else
        {
            _line.Append(piece);
        }
    }

    private void Emit()
    {
        var length = _line.Length;
        if (length > 0 && _line[length - 1] == '\r')
        {
            length--;
        }

        onLine(_line.ToString(0, length), _cut);
        _line.Clear();
        _cut = false;
    }
}
