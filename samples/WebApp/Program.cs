// The MnistBn web app: draw a digit, see what LeNet with and without BatchNorm make of it.
// Settings: appsettings.json, section "WebApp" (see WebAppOptions and README.md).
using MnistBn.WebApp;

try
{
    var app = WebAppHost.Build(args);
    await app.RunAsync();
}
catch (InvalidOperationException e)
{
    // Configuration and model errors: one clear line, no stack trace.
    Console.Error.WriteLine($"error: {e.Message}");
    return 1;
}
return 0;
