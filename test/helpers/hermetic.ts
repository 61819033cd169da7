// Loaded before every test file (vitest setupFiles). The code under test probes the OS keyring
// and, when one answers, keeps tokens in it: on a developer's desktop that would be their real
// keyring. Without a session bus or a display to autolaunch one, every probe in the test process
// and its children answers "no keyring"; the keyring tests bring their own private bus
// (test/helpers/keyring.ts).
for (const name of ['DBUS_SESSION_BUS_ADDRESS', 'DISPLAY', 'WAYLAND_DISPLAY'])
  delete process.env[name];
