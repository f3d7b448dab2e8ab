using System.Globalization;
using System.Text;
using AutoResearch.Abstractions.Parameters;
using AutoResearch.Abstractions.Specs;

namespace AutoResearch.Proposers.Encoding;

/// <summary>
/// The search space of a benchmark as a unit cube. Two views: the model vector (numeric parameters one
/// coordinate each, choices one-hot) and the compact vector (one entry per parameter: unit position or choice index).
/// </summary>
internal sealed class ParameterSpace
{
    public ParameterSpace(IReadOnlyList<ParameterSpec> parameters)
    {
        var list = new List<EncodedParameter>(parameters.Count);
        int offset = 0;
        foreach (ParameterSpec spec in parameters)
        {
            var p = new EncodedParameter(spec, offset);
            list.Add(p);
            offset += p.Width;
        }

        Parameters = list;
        Dimensions = offset;
    }

    public IReadOnlyList<EncodedParameter> Parameters { get; }

    /// <summary>Length of the model vector.</summary>
    public int Dimensions { get; }

    /// <summary>Number of parameters (length of the compact vector).</summary>
    public int Count => Parameters.Count;

    public double[] Encode(ParameterSet values)
    {
        var x = new double[Dimensions];
        foreach (EncodedParameter p in Parameters)
        {
            ParameterValue? value = values.Get(p.Name);
            if (p.IsChoice)
            {
                x[p.Offset + p.ChoiceIndex(value)] = 1;
            }
            else
            {
                x[p.Offset] = p.Unit(value);
            }
        }

        return x;
    }

    public ParameterSet Decode(double[] x)
    {
        var values = new KeyValuePair<string, ParameterValue>[Parameters.Count];
        for (int i = 0; i < Parameters.Count; i++)
        {
            EncodedParameter p = Parameters[i];
            values[i] = KeyValuePair.Create(p.Name, p.IsChoice
                ? ParameterValue.Choice(p.Choices[ArgMax(x, p.Offset, p.Width)])
                : p.Value(p.FromUnit(x[p.Offset])));
        }

        return ParameterSet.Create(values);
    }

    /// <summary>Projects a model vector onto the valid points (ints on their integers, one-hot choices) in place.</summary>
    public double[] Snap(double[] x)
    {
        foreach (EncodedParameter p in Parameters)
        {
            if (p.IsChoice)
            {
                int best = ArgMax(x, p.Offset, p.Width);
                for (int k = 0; k < p.Width; k++)
                {
                    x[p.Offset + k] = k == best ? 1 : 0;
                }
            }
            else
            {
                x[p.Offset] = p.Snap(x[p.Offset]);
            }
        }

        return x;
    }

    /// <summary>A uniformly random valid model vector (log-uniform for log parameters).</summary>
    public double[] Sample(Random rng)
    {
        var unit = new double[Count];
        for (int i = 0; i < unit.Length; i++)
        {
            unit[i] = rng.NextDouble();
        }

        return FromUnitRow(unit);
    }

    /// <summary>Model vector from one value in [0, 1) per parameter (a choice takes bucket floor(u·k)).</summary>
    public double[] FromUnitRow(double[] unit)
    {
        var x = new double[Dimensions];
        for (int i = 0; i < Parameters.Count; i++)
        {
            EncodedParameter p = Parameters[i];
            if (p.IsChoice)
            {
                int k = Math.Min((int)(unit[i] * p.Width), p.Width - 1);
                x[p.Offset + Math.Max(k, 0)] = 1;
            }
            else
            {
                x[p.Offset] = p.Snap(unit[i]);
            }
        }

        return x;
    }

    /// <summary>One value in [0, 1] per parameter (a choice: the middle of its bucket), the inverse of <see cref="FromUnitRow"/>.</summary>
    public double[] ToUnitRow(double[] x)
    {
        var unit = new double[Count];
        for (int i = 0; i < Parameters.Count; i++)
        {
            EncodedParameter p = Parameters[i];
            unit[i] = p.IsChoice ? (ArgMax(x, p.Offset, p.Width) + 0.5) / p.Width : x[p.Offset];
        }

        return unit;
    }

    public double[] ToCompact(double[] x)
    {
        var c = new double[Count];
        for (int i = 0; i < Parameters.Count; i++)
        {
            EncodedParameter p = Parameters[i];
            c[i] = p.IsChoice ? ArgMax(x, p.Offset, p.Width) : x[p.Offset];
        }

        return c;
    }

    public double[] FromCompact(double[] c)
    {
        var x = new double[Dimensions];
        for (int i = 0; i < Parameters.Count; i++)
        {
            EncodedParameter p = Parameters[i];
            if (p.IsChoice)
            {
                x[p.Offset + Math.Clamp((int)c[i], 0, p.Width - 1)] = 1;
            }
            else
            {
                x[p.Offset] = p.Snap(c[i]);
            }
        }

        return x;
    }

    /// <summary>Canonical identity of a decoded assignment, for duplicate checks.</summary>
    public string Key(double[] x)
    {
        var sb = new StringBuilder();
        foreach (KeyValuePair<string, ParameterValue> kv in Decode(x))
        {
            sb.Append(kv.Key).Append('=').Append(kv.Value.Text).Append(';');
        }

        return sb.ToString();
    }

    /// <summary>Short human-readable rendering of an assignment (at most four parameters).</summary>
    public string Describe(double[] x)
    {
        const int Shown = 4;
        var parts = new List<string>();
        foreach (EncodedParameter p in Parameters.Take(Shown))
        {
            string value = p.IsChoice
                ? p.Choices[ArgMax(x, p.Offset, p.Width)]
                : p.Type == ParameterType.Int
                    ? p.Value(p.FromUnit(x[p.Offset])).Text
                    : p.FromUnit(x[p.Offset]).ToString("G3", CultureInfo.InvariantCulture);
            parts.Add($"{p.Name}={value}");
        }

        if (Parameters.Count > Shown)
        {
            parts.Add($"+{Parameters.Count - Shown} more");
        }

        return parts.Count == 0 ? "(no parameters)" : string.Join(", ", parts);
    }

    /// <summary>Euclidean distance in the model space divided by √(parameter count).</summary>
    public double Distance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = a[i] - b[i];
            s += d * d;
        }

        return Math.Sqrt(s / Math.Max(1, Count));
    }

    private static int ArgMax(double[] x, int offset, int width)
    {
        int best = 0;
        for (int k = 1; k < width; k++)
        {
            if (x[offset + k] > x[offset + best])
            {
                best = k;
            }
        }

        return best;
    }
}
