using Ivr.Engine.Calls;

namespace Ivr.Engine.Hosting;

/// <summary>Registered until the RTP media is plugged in: reserving a port fails with a message that says so.</summary>
public sealed class UnpluggedMediaSessionFactory : IMediaSessionFactory
{
    /// <inheritdoc />
    public IMediaReservation Reserve() =>
        throw new InvalidOperationException(
            "No RTP media is plugged in: register an IMediaSessionFactory (services.AddSingleton<IMediaSessionFactory, …>()) before AddIvrEngine.");
}
