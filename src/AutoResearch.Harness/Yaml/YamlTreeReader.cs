using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace AutoResearch.Harness.Yaml;

/// <summary>Reads one YAML document into a <see cref="YNode"/> tree, reporting syntax errors with their line and column.</summary>
internal static partial class YamlTreeReader
{
    /// <summary>The root node, or null when the file is empty or not valid YAML (an error is reported then).</summary>
    public static YNode? Read(string text, SpecErrorList errors)
    {
        var last = new StrongBox<Mark>(Mark.Empty);
        try
        {
            var parser = new Parser(new StringReader(text));
            parser.Consume<StreamStart>();
            if (parser.Accept<StreamEnd>(out _))
            {
                errors.Add("(file)", "the file is empty");
                return null;
            }

            parser.Consume<DocumentStart>();
            var anchors = new Dictionary<string, YNode>(StringComparer.Ordinal);
            var root = ReadNode(parser, anchors, last);
            parser.Consume<DocumentEnd>();
            if (parser.Accept<DocumentStart>(out var second))
            {
                errors.Add("(yaml)", "the file holds more than one YAML document", line: (int)second.Start.Line, column: (int)second.Start.Column);
                return null;
            }

            return root;
        }
        catch (YamlException e)
        {
            errors.Add("(yaml)", "invalid YAML: " + StripMarks(e.Message), line: (int)e.Start.Line, column: (int)e.Start.Column);
            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner throws this (without a position) on some truncated input, e.g. an unclosed '['.
            errors.Add(
                "(yaml)",
                "invalid YAML: the text cannot be parsed after this point (is a bracket, brace or quote left open?)",
                line: (int)last.Value.Line,
                column: (int)last.Value.Column);
            return null;
        }
    }

    private static YNode ReadNode(IParser parser, Dictionary<string, YNode> anchors, StrongBox<Mark> last)
    {
        var current = parser.Current ?? throw new YamlException("unexpected end of the file");
        last.Value = current.Start;
        YNode node;
        switch (current)
        {
            case AnchorAlias alias:
                parser.MoveNext();
                return anchors.TryGetValue(alias.Value.Value, out var target)
                    ? target
                    : throw new YamlException(alias.Start, alias.End, $"unknown alias *{alias.Value.Value}");

            case Scalar scalar:
                parser.MoveNext();
                node = new YScalar(scalar.Value, scalar.Style == ScalarStyle.Plain && scalar.Tag.IsEmpty, (int)scalar.Start.Line, (int)scalar.Start.Column);
                break;

            case SequenceStart start:
                parser.MoveNext();
                var sequence = new YSequence((int)start.Start.Line, (int)start.Start.Column);
                Remember(start, sequence, anchors);
                while (!parser.TryConsume<SequenceEnd>(out _))
                {
                    sequence.Items.Add(ReadNode(parser, anchors, last));
                }

                return sequence;

            case MappingStart start:
                parser.MoveNext();
                var mapping = new YMapping((int)start.Start.Line, (int)start.Start.Column);
                Remember(start, mapping, anchors);
                while (!parser.TryConsume<MappingEnd>(out _))
                {
                    var key = ReadNode(parser, anchors, last);
                    var value = ReadNode(parser, anchors, last);
                    mapping.Entries.Add(new(key, value));
                }

                return mapping;

            default:
                throw new YamlException(current.Start, current.End, $"unexpected {current.GetType().Name}");
        }

        Remember((NodeEvent)current, node, anchors);
        return node;
    }

    private static void Remember(NodeEvent e, YNode node, Dictionary<string, YNode> anchors)
    {
        if (!e.Anchor.IsEmpty)
        {
            anchors[e.Anchor.Value] = node;
        }
    }

    // YamlException messages start with "(Line: 3, Col: 5, Idx: 20) - (Line: 3, Col: 6, Idx: 21): "; the position goes in SpecError.Line/Column instead.
    private static string StripMarks(string message) => MarksPrefix().Replace(message, "");

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarksPrefix();
}
