using System.Globalization;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Abstractions.Parameters;

/// <summary>
/// One typed parameter value: a real, an integer or a choice. Its <see cref="Text"/> is the one canonical, invariant text form
/// (reals round-trip exactly with "R", integers without a fraction, choices as written); two values are equal when their
/// canonical texts are (so the real 64 and the integer 64 are the same configuration, as they are to the benchmark's script).
/// Made by parsing once at an edge (<see cref="Parse(ParameterSpec, string)"/> against the search space, or
/// <see cref="FromStored"/> for values already stored) and used typed everywhere inside.
/// </summary>
[GenerateSerializer, Immutable, Alias("AutoResearch.ParameterValue")]
[System.Text.Json.Serialization.JsonConverter(typeof(ParameterValueJsonConverter))]
public sealed class ParameterValue : IEquatable<ParameterValue>
{
    /// <summary>Largest integer a value holds exactly (2^53).</summary>
    public const long MaxExactInteger = 9_007_199_254_740_992;

    [Id(0)] private ParameterKind _kind;
    [Id(1)] private double _number;
    [Id(2)] private string _text;

    private ParameterValue(ParameterKind kind, double number, string text)
    {
        _kind = kind;
        _number = number;
        _text = text;
    }

    public ParameterKind Kind => _kind;

    /// <summary>The canonical invariant text: what the run is given and what the ledger stores.</summary>
    public string Text => _text;

    public bool IsNumber => _kind != ParameterKind.Categorical;

    /// <summary>The number (a real, or an integer as a real); a choice has none.</summary>
    public double AsNumber => IsNumber ? _number
        : throw new InvalidOperationException($"'{_text}' is a choice, not a number");

    /// <summary>The integer (a real is rounded to the nearest); a choice has none.</summary>
    public long AsInteger => IsNumber ? (long)Math.Round(_number)
        : throw new InvalidOperationException($"'{_text}' is a choice, not an integer");

    /// <summary>A real value (finite).</summary>
    public static ParameterValue Real(double value) => double.IsFinite(value)
        ? new(ParameterKind.Real, value, value.ToString("R", CultureInfo.InvariantCulture))
        : throw new ArgumentOutOfRangeException(nameof(value), value, "a parameter value must be a finite number");

    /// <summary>An integer value (at most 2^53 in size, so that it is exact as a number too).</summary>
    public static ParameterValue Integer(long value) => Math.Abs(value) <= MaxExactInteger
        ? new(ParameterKind.Integer, value, value.ToString(CultureInfo.InvariantCulture))
        : throw new ArgumentOutOfRangeException(nameof(value), value, $"an integer parameter value must be within ±{MaxExactInteger}");

    /// <summary>A choice, as written.</summary>
    public static ParameterValue Choice(string value) => new(ParameterKind.Categorical, double.NaN, value ?? throw new ArgumentNullException(nameof(value)));

    /// <summary>A number of the kind the parameter declares: an integer for <c>int</c> (rounded), else a real.</summary>
    public static ParameterValue Numeric(ParameterSpec spec, double value) =>
        spec.Type == ParameterType.Int ? Integer((long)Math.Round(value)) : Real(value);

    /// <summary>
    /// Parses <paramref name="text"/> as a value of <paramref name="spec"/>: one of its choices, or a finite number (an integer
    /// for an int parameter) within its bounds. Throws <see cref="ParameterValueException"/> naming the parameter and what is wrong.
    /// </summary>
    public static ParameterValue Parse(ParameterSpec spec, string? text) =>
        TryParse(spec, text, out var value, out var problem) ? value : throw new ParameterValueException(spec.Name, problem!);

    /// <summary>As <see cref="Parse(ParameterSpec, string)"/>; <paramref name="problem"/> names the parameter and what is wrong.</summary>
    public static bool TryParse(ParameterSpec spec, string? text, out ParameterValue value, out string? problem)
    {
        value = null!;
        problem = null;
        if (text is null)
        {
            problem = $"parameter '{spec.Name}' has no value";
            return false;
        }
        if (spec.Type == ParameterType.Choice)
        {
            if (!spec.Choices.Contains(text, StringComparer.Ordinal))
            {
                problem = $"parameter '{spec.Name}'='{text}' is not one of {string.Join("|", spec.Choices)}";
                return false;
            }
            value = Choice(text);
            return true;
        }
        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) || !double.IsFinite(number))
        {
            problem = $"parameter '{spec.Name}'='{text}' is not a number";
            return false;
        }
        return TryNumber(spec, number, text, out value, out problem);
    }

    /// <summary>A number for <paramref name="spec"/> (integer and bounds checked), e.g. from a JSON number.</summary>
    public static bool TryNumber(ParameterSpec spec, double number, string shown, out ParameterValue value, out string? problem)
    {
        value = null!;
        problem = null;
        if (spec.Type == ParameterType.Choice)
        {
            problem = $"parameter '{spec.Name}'={shown} is not one of {string.Join("|", spec.Choices)}";
            return false;
        }
        if (!double.IsFinite(number))
        {
            problem = $"parameter '{spec.Name}'='{shown}' is not a number";
            return false;
        }
        if (spec.Type == ParameterType.Int && (Math.Abs(number - Math.Round(number)) > 1e-9 || Math.Abs(number) > MaxExactInteger))
        {
            problem = $"parameter '{spec.Name}'='{shown}' is not an integer";
            return false;
        }
        if ((spec.Min is { } min && number < min) || (spec.Max is { } max && number > max))
        {
            problem = $"parameter '{spec.Name}'={shown} is outside [{spec.Min}, {spec.Max}]";
            return false;
        }
        value = Numeric(spec, number);
        return true;
    }

    /// <summary>
    /// A value read back from storage (the ledger, old grain state) or given without a search space at hand: an integer
    /// literal is an integer, a finite number a real, anything else a choice. Never fails; the canonical text of a number
    /// may differ from what was stored ("1e-3" → "0.001"), its value does not.
    /// </summary>
    public static ParameterValue FromStored(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer) && Math.Abs(integer) <= MaxExactInteger)
            return Integer(integer);
        if (text.Length > 0 && (char.IsAsciiDigit(text[^1]) || text[^1] == '.')
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
            return Real(real);
        return Choice(text);
    }

    public bool Equals(ParameterValue? other) => other is not null && string.Equals(_text, other._text, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is ParameterValue other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(_text);

    public static bool operator ==(ParameterValue? a, ParameterValue? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(ParameterValue? a, ParameterValue? b) => !(a == b);

    /// <summary>The canonical text (<see cref="Text"/>).</summary>
    public override string ToString() => _text;

    public static implicit operator ParameterValue(double value) => Real(value);

    public static implicit operator ParameterValue(long value) => Integer(value);

    public static implicit operator ParameterValue(int value) => Integer(value);
}

/// <summary>A parameter value that does not fit the benchmark's search space: names the parameter and what is wrong.</summary>
public sealed class ParameterValueException(string parameter, string problem) : FormatException(problem)
{
    /// <summary>The parameter's name.</summary>
    public string Parameter { get; } = parameter;
}
