// SPDX-License-Identifier: MIT
// One HTTP/1.1 request over a plain TCP socket bound to a chosen local address `from`
// (127.0.0.2, 127.0.0.3, ... are all loopback on Linux) to `to`:`port`: lets a test be
// "another IP address" for the per-IP login limit, or a non-loopback peer. Sends
// Connection: close and reads the whole answer.
#pragma once

#include "HttpClient.h"

#include <QHostAddress>

namespace fcadmin {

fctest::HttpResponse rawHttp(const QHostAddress &from, const QHostAddress &to, quint16 port, const QByteArray &method,
                             const QByteArray &path, const QByteArray &body = {},
                             const fctest::RawHeaders &headers = {});

} // namespace fcadmin
