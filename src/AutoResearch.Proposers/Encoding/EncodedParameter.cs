using System.Globalization;
using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Encoding;

/// <summary>
/// One benchmark parameter mapped to the unit interval (numeric, optionally on a log scale) or to a
/// one-hot block (choices). Integers are mapped over [min − ½, max + ½] so every integer gets an equal share.
/// </summary>
internal sealed class EncodedParameter
{
    private readonly double transformedLow;
    private readonly double transformedHigh;
    private readonly bool log;
    private readonly double low;
    private readonly double high;
    private readonly ParameterValue? _default;

    public EncodedParameter(ParameterSpec spec, int offset)
    {
        Spec = spec;
        Offset = offset;
        _default = ParameterValue.TryParse(spec, spec.Default, out var parsedDefault, out _) ? parsedDefault : null;
        if (spec.Type == ParameterType.Choice)
        {
            Choices = spec.Choices.Count > 0 ? spec.Choices : [spec.Default];
            Width = Choices.Count;
            return;
        }

        Choices = [];
        Width = 1;
        double min = spec.Min ?? (_default is { IsNumber: true } dmin ? dmin.AsNumber : 0);
        double max = spec.Max ?? (_default is { IsNumber: true } dmax ? dmax.AsNumber : min);
        if (max < min)
        {
            (min, max) = (max, min);
        }

        if (spec.Type == ParameterType.Int)
        {
            low = Math.Ceiling(min);
            high = Math.Max(low, Math.Floor(max));
            min = low - 0.5;
            max = high + 0.5;
        }
        else
        {
            low = min;
            high = max;
        }

        log = spec.Log && min > 0;
        transformedLow = log ? Math.Log(min) : min;
        transformedHigh = log ? Math.Log(max) : max;
    }

    public ParameterSpec Spec { get; }

    public string Name => Spec.Name;

    public ParameterType Type => Spec.Type;

    public bool IsChoice => Spec.Type == ParameterType.Choice;

    /// <summary>First index of this parameter in the encoded vector.</summary>
    public int Offset { get; }

    /// <summary>1 for numeric parameters, the number of choices for a choice.</summary>
    public int Width { get; }

    public IReadOnlyList<string> Choices { get; }

    /// <summary>Position in [0, 1] of a numeric value (clamped).</summary>
    public double ToUnit(double value)
    {
        double span = transformedHigh - transformedLow;
        if (span <= 0 || double.IsNaN(value))
        {
            return 0.5;
        }

        double t = log ? Math.Log(Math.Max(value, double.Epsilon)) : value;
        return Math.Clamp((t - transformedLow) / span, 0, 1);
    }

    /// <summary>The valid numeric value at unit position <paramref name="u"/> (rounded and clamped for ints).</summary>
    public double FromUnit(double u)
    {
        if (double.IsNaN(u))
        {
            u = 0.5;
        }

        u = Math.Clamp(u, 0, 1);
        double t = transformedLow + u * (transformedHigh - transformedLow);
        double v = u <= 0 ? low : u >= 1 ? high : log ? Math.Exp(t) : t;
        v = Type == ParameterType.Int
            ? Math.Round(v, MidpointRounding.AwayFromZero)
            : RoundSignificant(v); // 0.0013986617 rather than 0.0013986616992729497
        return Math.Clamp(v, low, high);
    }

    /// <summary>The unit interval an integer's bin covers (for a float, a zero-width interval).</summary>
    public (double Low, double High) BinOf(double value) =>
        Type == ParameterType.Int ? (ToUnit(value - 0.5), ToUnit(value + 0.5)) : (ToUnit(value), ToUnit(value));

    /// <summary>Moves <paramref name="u"/> onto the position of the value it decodes to.</summary>
    /// <remarks>Floats only clamp: the 10-significant-digit rounding of <see cref="FromUnit"/> is far below model resolution.</remarks>
    public double Snap(double u) =>
        Type == ParameterType.Int || double.IsNaN(u) || transformedHigh <= transformedLow ? ToUnit(FromUnit(u)) : Math.Clamp(u, 0, 1);

    /// <summary>The typed value of a decoded number (an integer for an int parameter).</summary>
    public ParameterValue Value(double value) => ParameterValue.Numeric(Spec, value);

    /// <summary>Unit position of a value; missing or non-numeric values fall back to the default, then the middle.</summary>
    public double Unit(ParameterValue? value)
    {
        if (value is { IsNumber: true } || _default is { IsNumber: true })
        {
            double v = value is { IsNumber: true } ? value.AsNumber : _default!.AsNumber;
            return Snap(ToUnit(v));
        }

        return Snap(0.5);
    }

    /// <summary>Index of a choice; unknown values fall back to the default, then the first choice.</summary>
    public int ChoiceIndex(ParameterValue? value)
    {
        int i = IndexOf(value?.Text);
        if (i < 0)
        {
            i = IndexOf(Spec.Default);
        }

        return Math.Max(i, 0);
    }

    private int IndexOf(string? text)
    {
        if (text is null)
        {
            return -1;
        }

        for (int i = 0; i < Choices.Count; i++)
        {
            if (string.Equals(Choices[i], text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        for (int i = 0; i < Choices.Count; i++)
        {
            if (string.Equals(Choices[i], text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    private static double RoundSignificant(double v)
    {
        if (v == 0 || !double.IsFinite(v))
        {
            return v;
        }

        double r = double.Parse(v.ToString("G10", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return r == 0 ? v : r;
    }
}
