#!/usr/bin/env bash
# Runs the whole system locally: installs what is missing (prerequisites.sh), builds the AppHost (which builds the
# services and the migrator), then starts it: the Aspire AppHost runs PostgreSQL, RabbitMQ, the migrations and the
# services, with the Aspire dashboard on http://127.0.0.1:18888 and the Ingress Gateway on http://127.0.0.1:18080.
# Arguments go to the AppHost: --state-dir <path>, --reset, --dashboard-port <port>, --gateway-port <port>, --demo, --demo-port <port>, --containers, --help.
# Ctrl+C or SIGTERM stops everything (exec: the signal reaches the AppHost itself).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
"$here/prerequisites.sh"
# Release: the services run optimised and ReadyToRun-compiled (Directory.Build.targets), which halves their start-up CPU.
echo "Building the AppHost and the services (Release; the first build takes a few minutes) ..."
dotnet build "$here/Agentic.AppHost.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly
exec dotnet "$here/bin/Release/net10.0/Agentic.AppHost.dll" "$@"
