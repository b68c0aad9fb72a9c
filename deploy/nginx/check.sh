#!/bin/sh
# Checks touchstone.conf with `nginx -t` in a temporary prefix, with a self-signed certificate
# (openssl) in place of the real one. Needs nginx and openssl; changes nothing outside the prefix.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
mkdir -p "$prefix/logs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=touchstone.example.com \
    -keyout "$prefix/privkey.pem" -out "$prefix/fullchain.pem" 2>/dev/null
sed -e "s|/etc/ssl/touchstone/|$prefix/|" -e "s|/var/log/nginx/|$prefix/logs/|" "$here/touchstone.conf" > "$prefix/touchstone.conf"
cat > "$prefix/nginx.conf" <<CONF
pid $prefix/nginx.pid;
error_log $prefix/logs/error.log;
events {}
http {
    client_body_temp_path $prefix/body;
    proxy_temp_path $prefix/proxy;
    include $prefix/touchstone.conf;
}
CONF
nginx -t -p "$prefix" -c "$prefix/nginx.conf"
