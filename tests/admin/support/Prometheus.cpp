// SPDX-License-Identifier: MIT
#include "Prometheus.h"

#include <QRegularExpression>
#include <QSet>
#include <cmath>
#include <limits>

using namespace Qt::StringLiterals;

namespace fcadmin {

namespace {

const QRegularExpression &metricName()
{
    static const QRegularExpression re(u"^[a-zA-Z_:][a-zA-Z0-9_:]*$"_s);
    return re;
}

const QRegularExpression &labelName()
{
    static const QRegularExpression re(u"^[a-zA-Z_][a-zA-Z0-9_]*$"_s);
    return re;
}

std::optional<double> parseValue(const QString &text)
{
    if (text == u"+Inf" || text == u"Inf")
        return std::numeric_limits<double>::infinity();
    if (text == u"-Inf")
        return -std::numeric_limits<double>::infinity();
    if (text == u"NaN")
        return std::numeric_limits<double>::quiet_NaN();
    bool ok = false;
    const double v = text.toDouble(&ok);
    if (!ok)
        return std::nullopt;
    return v;
}

QString labelsText(const Labels &labels)
{
    QStringList parts;
    for (auto it = labels.cbegin(); it != labels.cend(); ++it)
        parts << u"%1=\"%2\""_s.arg(it.key(), it.value());
    return parts.isEmpty() ? QString() : u"{"_s + parts.join(u',') + u"}"_s;
}

// The family a sample belongs to: histogram and summary samples carry a suffix.
QString familyOf(const QString &name, const QMap<QString, QString> &types)
{
    if (types.contains(name))
        return name;
    for (const QString &suffix : {u"_bucket"_s, u"_sum"_s, u"_count"_s}) {
        if (name.endsWith(suffix)) {
            const QString base = name.left(name.size() - suffix.size());
            const QString type = types.value(base);
            if (type == u"histogram" || (type == u"summary" && suffix != u"_bucket"))
                return base;
        }
    }
    return {};
}

} // namespace

QString Sample::describe() const
{
    return name + labelsText(labels) + u' ' + QString::number(value);
}

bool PrometheusText::parse(const QByteArray &bytes)
{
    m_samples.clear();
    m_types.clear();
    m_helps.clear();
    m_problems.clear();
    m_error.clear();
    QSet<QString> seenSeries;
    QSet<QString> familiesWithSamples;
    const QString text = QString::fromUtf8(bytes);
    if (!text.isEmpty() && !text.endsWith(u'\n'))
        m_problems << u"the text does not end with a line feed"_s;
    const QStringList lines = text.split(u'\n');
    for (qsizetype n = 0; n < lines.size(); ++n) {
        const QString line = lines.at(n);
        const QString where = u"line %1 '%2'"_s.arg(n + 1).arg(line.left(200));
        if (line.trimmed().isEmpty())
            continue;
        if (line.startsWith(u'#')) {
            const QStringList words = line.mid(1).trimmed().split(u' ', Qt::SkipEmptyParts);
            if (words.size() >= 2 && (words.at(0) == u"HELP" || words.at(0) == u"TYPE")) {
                const QString family = words.at(1);
                if (!metricName().match(family).hasMatch())
                    m_problems << where + u": bad metric name"_s;
                if (words.at(0) == u"TYPE") {
                    static const QSet<QString> known{u"counter"_s, u"gauge"_s, u"histogram"_s, u"summary"_s, u"untyped"_s};
                    if (words.size() != 3 || !known.contains(words.at(2)))
                        m_problems << where + u": bad TYPE line"_s;
                    if (m_types.contains(family))
                        m_problems << where + u": second TYPE for the family"_s;
                    if (familiesWithSamples.contains(family))
                        m_problems << where + u": TYPE after the family's samples"_s;
                    m_types.insert(family, words.value(2));
                } else {
                    if (m_helps.contains(family))
                        m_problems << where + u": second HELP for the family"_s;
                    m_helps.insert(family, words.mid(2).join(u' '));
                }
            }
            continue; // other comments are allowed
        }

        // name [{labels}] value [timestamp]
        qsizetype i = 0;
        while (i < line.size() && line.at(i) != u'{' && line.at(i) != u' ')
            ++i;
        Sample sample;
        sample.name = line.left(i);
        if (!metricName().match(sample.name).hasMatch()) {
            m_error = where + u": bad metric name"_s;
            return false;
        }
        if (i < line.size() && line.at(i) == u'{') {
            ++i;
            while (true) {
                while (i < line.size() && line.at(i) == u' ')
                    ++i;
                if (i < line.size() && line.at(i) == u'}') {
                    ++i;
                    break;
                }
                const qsizetype eq = line.indexOf(u'=', i);
                if (eq < 0 || eq + 1 >= line.size() || line.at(eq + 1) != u'"') {
                    m_error = where + u": bad label"_s;
                    return false;
                }
                const QString name = line.mid(i, eq - i).trimmed();
                if (!labelName().match(name).hasMatch())
                    m_problems << where + u": bad label name '%1'"_s.arg(name);
                QString value;
                qsizetype j = eq + 2;
                bool closed = false;
                while (j < line.size()) {
                    const QChar c = line.at(j);
                    if (c == u'\\' && j + 1 < line.size()) {
                        const QChar e = line.at(j + 1);
                        value += e == u'n' ? u'\n' : e;
                        if (e != u'n' && e != u'\\' && e != u'"')
                            m_problems << where + u": unknown escape \\%1"_s.arg(e);
                        j += 2;
                        continue;
                    }
                    if (c == u'"') {
                        closed = true;
                        ++j;
                        break;
                    }
                    value += c;
                    ++j;
                }
                if (!closed) {
                    m_error = where + u": unterminated label value"_s;
                    return false;
                }
                if (sample.labels.contains(name))
                    m_problems << where + u": label '%1' twice"_s.arg(name);
                sample.labels.insert(name, value);
                i = j;
                while (i < line.size() && line.at(i) == u' ')
                    ++i;
                if (i < line.size() && line.at(i) == u',') {
                    ++i;
                    continue;
                }
                if (i < line.size() && line.at(i) == u'}') {
                    ++i;
                    break;
                }
                m_error = where + u": expected ',' or '}' after a label"_s;
                return false;
            }
        }
        const QStringList rest = line.mid(i).split(u' ', Qt::SkipEmptyParts);
        if (rest.isEmpty() || rest.size() > 2) {
            m_error = where + u": expected a value and an optional timestamp"_s;
            return false;
        }
        const auto value = parseValue(rest.first());
        if (!value) {
            m_error = where + u": bad value '%1'"_s.arg(rest.first());
            return false;
        }
        sample.value = *value;
        const QString family = familyOf(sample.name, m_types);
        if (family.isEmpty())
            m_problems << where + u": sample without a preceding TYPE for its family"_s;
        else
            familiesWithSamples.insert(family);
        const QString series = sample.name + labelsText(sample.labels);
        if (seenSeries.contains(series))
            m_problems << where + u": the same series twice"_s;
        seenSeries.insert(series);
        m_samples.append(sample);
    }
    checkHistograms();
    return true;
}

void PrometheusText::checkHistograms()
{
    for (auto it = m_types.cbegin(); it != m_types.cend(); ++it) {
        if (it.value() != u"histogram")
            continue;
        const QString family = it.key();
        // Group buckets by their labels without le.
        QMap<QString, QList<QPair<double, double>>> buckets; // labels -> (le, count)
        for (const Sample &s : m_samples) {
            if (s.name != family + u"_bucket")
                continue;
            if (!s.labels.contains(u"le"_s)) {
                m_problems << u"%1: a bucket without le"_s.arg(s.describe());
                continue;
            }
            Labels rest = s.labels;
            const auto le = parseValue(rest.take(u"le"_s));
            if (!le) {
                m_problems << u"%1: bad le"_s.arg(s.describe());
                continue;
            }
            buckets[labelsText(rest)].append({*le, s.value});
        }
        for (auto b = buckets.begin(); b != buckets.end(); ++b) {
            auto list = b.value();
            std::sort(list.begin(), list.end(), [](const auto &x, const auto &y) { return x.first < y.first; });
            for (qsizetype k = 1; k < list.size(); ++k)
                if (list.at(k).second < list.at(k - 1).second)
                    m_problems << u"%1%2: bucket le=%3 has fewer than le=%4"_s.arg(family, b.key())
                                          .arg(list.at(k).first).arg(list.at(k - 1).first);
            if (list.isEmpty() || !std::isinf(list.last().first)) {
                m_problems << u"%1%2: no le=\"+Inf\" bucket"_s.arg(family, b.key());
                continue;
            }
            // _count with the same labels
            bool found = false;
            for (const Sample &s : m_samples) {
                if (s.name == family + u"_count" && labelsText(s.labels) == b.key()) {
                    found = true;
                    if (s.value != list.last().second)
                        m_problems << u"%1%2: _count %3 differs from the +Inf bucket %4"_s.arg(family, b.key())
                                              .arg(s.value).arg(list.last().second);
                }
            }
            if (!found)
                m_problems << u"%1%2: no _count"_s.arg(family, b.key());
        }
    }
}

std::optional<double> PrometheusText::value(const QString &name, const Labels &labels) const
{
    for (const Sample &s : m_samples)
        if (s.name == name && s.labels == labels)
            return s.value;
    return std::nullopt;
}

QList<Sample> PrometheusText::matching(const QString &name, const Labels &subset) const
{
    QList<Sample> out;
    for (const Sample &s : m_samples) {
        if (s.name != name)
            continue;
        bool all = true;
        for (auto it = subset.cbegin(); it != subset.cend() && all; ++it)
            all = s.labels.value(it.key()) == it.value() && s.labels.contains(it.key());
        if (all)
            out.append(s);
    }
    return out;
}

double PrometheusText::sum(const QString &name, const Labels &subset) const
{
    double total = 0;
    for (const Sample &s : matching(name, subset))
        total += s.value;
    return total;
}

} // namespace fcadmin
