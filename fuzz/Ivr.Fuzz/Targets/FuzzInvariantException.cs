namespace Ivr.Fuzz.Targets;

/// <summary>A fuzz target found an input that breaks a promise of the code under test (not a refused input).</summary>
public sealed class FuzzInvariantException : Exception
{
    /// <summary>Creates the exception naming the broken invariant.</summary>
    public FuzzInvariantException(string message)
        : base(message)
    {
    }

    /// <summary>Throws when <paramref name="condition"/> is false.</summary>
    public static void Check(bool condition, string invariant)
    {
        if (!condition) throw new FuzzInvariantException(invariant);
    }
}
