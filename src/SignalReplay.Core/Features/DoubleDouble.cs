namespace SignalReplay.Core.Features;

/// <summary>
/// A number held as the unevaluated sum <c>Hi + Lo</c> of two doubles, <c>Hi</c> the double nearest the
/// sum (about 106 significant bits). Rolling sums kept in it do not drift: adding and removing a value
/// is exact through the error-free transformations (Knuth's TwoSum, an FMA product), so a window's sum
/// of prices is its exact sum, and its mean the double nearest the exact mean: exact ties stay ties.
/// </summary>
internal readonly record struct DoubleDouble(double Hi, double Lo)
{
    public static readonly DoubleDouble Zero = new(0, 0);

    /// <summary>The double nearest the value.</summary>
    public double Value => Hi;

    public static DoubleDouble operator +(DoubleDouble a, double b)
    {
        var (sum, error) = TwoSum(a.Hi, b);
        return Normalize(sum, error + a.Lo);
    }

    public static DoubleDouble operator -(DoubleDouble a, double b) => a + -b;

    public static DoubleDouble operator +(DoubleDouble a, DoubleDouble b)
    {
        var (sum, error) = TwoSum(a.Hi, b.Hi);
        var (low, lowError) = TwoSum(a.Lo, b.Lo);
        (sum, error) = Normalize(sum, error + low);
        return Normalize(sum, error + lowError);
    }

    public static DoubleDouble operator -(DoubleDouble a) => new(-a.Hi, -a.Lo);

    public static DoubleDouble operator -(DoubleDouble a, DoubleDouble b) => a + -b;

    public static DoubleDouble operator *(DoubleDouble a, DoubleDouble b)
    {
        var product = Product(a.Hi, b.Hi);
        return Normalize(product.Hi, product.Lo + ((a.Hi * b.Lo) + (a.Lo * b.Hi)));
    }

    public static DoubleDouble operator /(DoubleDouble a, double b)
    {
        var quotient = a.Hi / b;
        var remainder = a - Product(quotient, b);
        return Normalize(quotient, remainder.Hi / b);
    }

    /// <summary>The exact product of two doubles.</summary>
    public static DoubleDouble Product(double a, double b)
    {
        var product = a * b;
        return new DoubleDouble(product, Math.FusedMultiplyAdd(a, b, -product));
    }

    private static DoubleDouble Normalize(double hi, double lo)
    {
        var (sum, error) = TwoSum(hi, lo);
        return new DoubleDouble(sum, error);
    }

    /// <summary>Knuth's TwoSum: <c>sum = fl(a + b)</c> and the exact rounding error, for any magnitudes.</summary>
    private static (double Sum, double Error) TwoSum(double a, double b)
    {
        var sum = a + b;
        var bVirtual = sum - a;
        var aVirtual = sum - bVirtual;
        return (sum, (a - aVirtual) + (b - bVirtual));
    }
}
