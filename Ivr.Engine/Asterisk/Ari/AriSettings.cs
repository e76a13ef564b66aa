namespace Ivr.Engine.Asterisk.Ari;

/// <summary>Where ARI is and who the engine is to it (<c>Asterisk:Ari:*</c>, docs/asterisk.md).</summary>
/// <param name="BaseUrl">Asterisk's HTTP server, e.g. <c>http://127.0.0.1:8088</c> (the REST paths are under <c>/ari/</c> after any path prefix it has).</param>
/// <param name="User">The <c>ari.conf</c> user.</param>
/// <param name="Password">Its password.</param>
/// <param name="App">The Stasis application the engine registers (its events WebSocket) and creates channels in.</param>
/// <param name="RequestTimeout">The longest one REST request or the WebSocket handshake may take.</param>
public sealed record AriSettings(Uri BaseUrl, string User, string Password, string App, TimeSpan RequestTimeout)
{
    // A logged or printed settings object never shows the password.
    private bool PrintMembers(System.Text.StringBuilder builder)
    {
        builder.Append("BaseUrl = ").Append(BaseUrl).Append(", User = ").Append(User).Append(", Password = ***, App = ").Append(App)
            .Append(", RequestTimeout = ").Append(RequestTimeout);
        return true;
    }
}
