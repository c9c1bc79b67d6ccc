#!/usr/bin/env bash
# Installs what the AppHost and the integration tests run on this machine, from Debian/Ubuntu packages:
# PostgreSQL (initdb/postgres under /usr/lib/postgresql/*/bin), RabbitMQ, bubblewrap (the executor's sandbox), socat
# (its bridge to the egress proxy), git and black; and pnpm and yarn 1 from the npm registry (pnpm and yarn repositories'
# setup; Yarn 2+ comes through Node.js's corepack, which fetches the version a repository pins).
# Installs only what is missing; does nothing (quietly) when everything is there. Servers are not started here:
# the AppHost and the tests run their own instances, with their own data folders and ports.
set -euo pipefail

missing=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" > /dev/null || ! compgen -G "/usr/lib/postgresql/*/bin/postgres" > /dev/null; then
  missing+=(postgresql)
fi
if [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  missing+=(rabbitmq-server)
fi
command -v bwrap > /dev/null 2>&1 || missing+=(bubblewrap)
command -v git > /dev/null 2>&1 || missing+=(git)
# black: the Executor's Python formatter, tested for real (PyPI is out of reach; Debian packages it).
command -v black > /dev/null 2>&1 || missing+=(black)
# The bridge from a setup sandbox's loopback to the Executor's egress proxy socket.
command -v socat > /dev/null 2>&1 || missing+=(socat)

# The Executor's sandbox account (Executor:Sandbox:User): when the Executor runs as root, sandboxed commands run as it.
if [ "$(id -u)" -eq 0 ] && ! getent passwd agentic-sandbox > /dev/null 2>&1; then
  useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin agentic-sandbox
fi

# A package manager the Executor's setup phase runs that Node.js does not bring: npm install -g, as root only.
npm_tool() { # command, package@version, what is lost without it
  if command -v npm > /dev/null 2>&1 && ! command -v "$1" > /dev/null 2>&1; then
    if [ "$(id -u)" -eq 0 ]; then
      echo "Installing $2 ..." >&2
      npm install -g "$2" --no-audit --no-fund --loglevel=error
    else
      echo "$1 is missing ($3): npm install -g $2 as root." >&2
    fi
  fi
}
# pnpm: repositories with a pnpm-lock.yaml. yarn (classic): a Yarn 1 yarn.lock, or a committed Yarn 2+ (yarnPath).
# corepack: the Yarn 2+ a repository pins (packageManager); Node.js bundles it up to version 24 only.
npm_tool pnpm pnpm@10.34.9 "pnpm repositories cannot be set up"
npm_tool yarn yarn@1.22.22 "yarn 1 repositories cannot be set up"
npm_tool corepack corepack@0.34.6 "Yarn 2+ repositories cannot be set up"

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

if ! command -v apt-get > /dev/null 2>&1; then
  echo "Missing: ${missing[*]}. apt-get is not available here: install them with your package manager." >&2
  exit 1
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if ! command -v sudo > /dev/null 2>&1; then
    echo "Missing: ${missing[*]}. Run as root: apt-get update && apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  sudo=(sudo)
fi

echo "Installing ${missing[*]} ..." >&2
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -qq
"${sudo[@]}" apt-get install -y -qq "${missing[@]}"
