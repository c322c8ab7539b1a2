// SPDX-License-Identifier: MIT
#include "Logging.h"

Q_LOGGING_CATEGORY(lcServer, "fastchat.server", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "fastchat.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcWs, "fastchat.ws", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "fastchat.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStore, "fastchat.store", QtInfoMsg)
Q_LOGGING_CATEGORY(lcStoreSql, "fastchat.store.sql", QtWarningMsg)
Q_LOGGING_CATEGORY(lcHub, "fastchat.hub", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCluster, "fastchat.cluster", QtInfoMsg)
