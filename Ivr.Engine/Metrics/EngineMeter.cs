using System.Diagnostics.Metrics;

namespace Ivr.Engine.Metrics;

/// <summary>Creates the meters of the engine's metric classes.</summary>
public static class EngineMeter
{
    /// <summary>The name prefix of a meter made without a factory: outside <c>Ivr.*</c>, so the engine's exporter never reads it.</summary>
    public const string DetachedPrefix = "Detached.";

    /// <summary>
    /// The meter <paramref name="name"/> from <paramref name="factory"/> (the host's: exported on <c>/metrics</c>), or, when
    /// null, a private meter named <see cref="DetachedPrefix"/> + <paramref name="name"/>: parts built without a host (tests,
    /// CLI tools) then never mix their figures into an exporter listening for <c>Ivr.*</c> in the same process.
    /// </summary>
    public static Meter Create(IMeterFactory? factory, string name) => factory?.Create(name) ?? new Meter(DetachedPrefix + name);
}
