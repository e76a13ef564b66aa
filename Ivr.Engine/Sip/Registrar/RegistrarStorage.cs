namespace Ivr.Engine.Sip.Registrar;

/// <summary>How a <see cref="SipRegistrar"/> keeps its bindings beyond its process: the store, the node's name, and timing.</summary>
/// <param name="Store">Where the bindings are written and read back.</param>
/// <param name="Node">This node's name, written on the bindings it takes.</param>
public sealed record RegistrarStorage(IRegistrationStore Store, string Node)
{
    /// <summary>How long a REGISTER waits for the store before it is answered 500 (default 5 s).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How often the registrar reads the store again to learn the bindings other nodes took (a cluster); null: only at start
    /// (one node, which is the only writer).
    /// </summary>
    public TimeSpan? RefreshInterval { get; init; }
}
