// The MnistBn web app: draw a digit, see what LeNet with and without BatchNorm make of it.
// Settings: appsettings.json, section "WebApp" (see WebAppOptions and README.md).
// Starting (settings, models, the port) and running are told apart: any failure while starting is
// one line on stderr and exit code 1; once the app serves, errors are logged the usual way.
using MnistBn.WebApp;

WebApplication app;
try
{
    app = WebAppHost.Build(args);
    await WebAppHost.StartAsync(app);
}
catch (Exception e)
{
    // Everything, not just the app's own errors: an unhandled exception here would print the stack
    // trace and abort (exit 134). The process ends, so nothing half-built needs disposing.
    Console.Error.WriteLine(StartupError.Describe(e));
    return 1;
}

await app.WaitForShutdownAsync();
await app.DisposeAsync();
return 0;
