using Ivr.Engine.Calls;

namespace Ivr.Engine.Hosting;

/// <summary>Registered until the RTP media is plugged in: reserving a port fails with a message that says so.</summary>
public sealed class UnpluggedMediaSessionFactory : IMediaSessionFactory
{
    private const string Why =
        "No RTP media is plugged in: register an IMediaSessionFactory (services.AddSingleton<IMediaSessionFactory, …>()) before AddIvrEngine.";

    /// <inheritdoc />
    public string? Unavailable => Why;

    /// <inheritdoc />
    public IMediaReservation Reserve() => throw new InvalidOperationException(Why);
}
