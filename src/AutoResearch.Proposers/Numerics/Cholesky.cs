namespace AutoResearch.Proposers.Numerics;

/// <summary>Dense Cholesky factorization and triangular solves on row-major n×n arrays.</summary>
internal static class Cholesky
{
    /// <summary>Writes the lower factor of <paramref name="a"/> into <paramref name="l"/>; false when not positive definite.</summary>
    public static bool TryDecompose(double[] a, int n, double[] l)
    {
        Array.Clear(l, 0, n * n);
        for (int i = 0; i < n; i++)
        {
            int ri = i * n;
            for (int j = 0; j <= i; j++)
            {
                int rj = j * n;
                double s = a[ri + j] - VectorMath.Dot(l.AsSpan(ri, j), l.AsSpan(rj, j));
                if (i == j)
                {
                    if (!(s > 0) || !double.IsFinite(s))
                    {
                        return false;
                    }

                    l[ri + i] = Math.Sqrt(s);
                }
                else
                {
                    l[ri + j] = s / l[rj + j];
                }
            }
        }

        return true;
    }

    /// <summary>Solves L·x = b in place.</summary>
    public static void ForwardSolve(double[] l, int n, Span<double> b)
    {
        for (int i = 0; i < n; i++)
        {
            int ri = i * n;
            b[i] = (b[i] - VectorMath.Dot(l.AsSpan(ri, i), b[..i])) / l[ri + i];
        }
    }

    /// <summary>Solves Lᵀ·x = b in place.</summary>
    public static void BackSolve(double[] l, int n, Span<double> b)
    {
        for (int i = n - 1; i >= 0; i--)
        {
            double s = b[i];
            for (int k = i + 1; k < n; k++)
            {
                s -= l[k * n + i] * b[k];
            }

            b[i] = s / l[i * n + i];
        }
    }

    /// <summary>(L·Lᵀ)⁻¹ as a full symmetric row-major matrix.</summary>
    public static double[] InverseFromFactor(double[] l, int n)
    {
        // Row j of t holds column j of L⁻¹ (zero before index j), so every inner loop is a contiguous dot product.
        var t = new double[n * n];
        for (int j = 0; j < n; j++)
        {
            int rj = j * n;
            t[rj + j] = 1.0 / l[j * n + j];
            for (int i = j + 1; i < n; i++)
            {
                int ri = i * n;
                t[rj + i] = -VectorMath.Dot(l.AsSpan(ri + j, i - j), t.AsSpan(rj + j, i - j)) / l[ri + i];
            }
        }

        // (L⁻ᵀL⁻¹)_ij = Σ_k L⁻¹_ki L⁻¹_kj = Σ_{k ≥ max(i,j)} t_ik t_jk.
        var result = new double[n * n];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j <= i; j++)
            {
                double s = VectorMath.Dot(t.AsSpan(i * n + i, n - i), t.AsSpan(j * n + i, n - i));
                result[i * n + j] = s;
                result[j * n + i] = s;
            }
        }

        return result;
    }
}
