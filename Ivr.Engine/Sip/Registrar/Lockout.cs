using System.Net;

namespace Ivr.Engine.Sip.Registrar;

/// <summary>A lockout that a failed Digest attempt started (logged once, counted in <c>ivr.registrar.lockouts</c>).</summary>
/// <param name="Scope">The source address or the user.</param>
/// <param name="User">The Digest user name of the attempt that started it.</param>
/// <param name="Source">The address the attempt came from.</param>
/// <param name="Until">When it ends.</param>
/// <param name="Length">How long it lasts.</param>
/// <param name="Level">1 for the first lockout of this key, 2 for the second in a row (twice as long), and so on.</param>
public sealed record Lockout(LockScope Scope, string User, IPAddress Source, DateTimeOffset Until, TimeSpan Length, int Level);
