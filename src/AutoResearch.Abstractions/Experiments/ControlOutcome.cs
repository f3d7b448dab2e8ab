namespace AutoResearch.Abstractions.Experiments;

/// <summary>The outcome of applying one control request: its kind (to decide with) and its text (to show).</summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ControlOutcome")]
public sealed record ControlOutcome([property: Id(0)] ControlOutcomeKind Kind, [property: Id(1)] string Text)
{
    public static ControlOutcome Applied(string text) => new(ControlOutcomeKind.Applied, text);

    /// <summary>A refusal; the text reads <c>refused: {why}</c>.</summary>
    public static ControlOutcome Refused(string why) => new(ControlOutcomeKind.Refused, "refused: " + why);

    /// <summary>Nothing to do; the text reads <c>nothing to do: {why}</c>.</summary>
    public static ControlOutcome NoOp(string why) => new(ControlOutcomeKind.NoOp, "nothing to do: " + why);

    public override string ToString() => Text;
}
