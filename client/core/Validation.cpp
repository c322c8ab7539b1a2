// SPDX-License-Identifier: MIT
#include "Validation.h"

#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace fastchat::client::validation {

QUrl normalizedServerUrl(const QString &address)
{
    QString text = address.trimmed();
    if (text.isEmpty())
        return {};
    if (!text.contains(u"://"_s))
        text.prepend(u"http://"_s);
    QUrl url(text, QUrl::StrictMode);
    if (!url.isValid() || url.host().isEmpty()
        || (url.scheme() != u"http" && url.scheme() != u"https"))
        return {};
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path);
    url.setQuery(QString());
    url.setFragment(QString());
    return url;
}

QString serverAddressProblem(const QString &address)
{
    if (address.trimmed().isEmpty())
        return u"Enter the server's address."_s;
    if (!normalizedServerUrl(address).isValid())
        return u"Enter an address like http://chat.example.org:8080."_s;
    return {};
}

QString usernameProblem(const QString &username)
{
    // The server's rule (docs/protocol.md: register answers 400 otherwise).
    static const QRegularExpression pattern(u"^[A-Za-z0-9_.-]{3,32}$"_s);
    if (username.trimmed().isEmpty())
        return u"Choose a username."_s;
    if (!pattern.match(username.trimmed()).hasMatch())
        return u"3 to 32 letters, digits, '_', '.' or '-'."_s;
    return {};
}

QString emailProblem(const QString &email)
{
    static const QRegularExpression pattern(u"^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$"_s);
    if (email.trimmed().isEmpty())
        return u"Enter your e-mail address."_s;
    if (email.trimmed().size() > 254 || !pattern.match(email.trimmed()).hasMatch())
        return u"Enter an address like name@example.org."_s;
    return {};
}

QString passwordProblem(const QString &password)
{
    if (password.size() < 8)
        return u"At least 8 characters."_s;
    if (password.toUtf8().size() > 1024)
        return u"At most 1024 bytes."_s;
    return {};
}

} // namespace fastchat::client::validation
