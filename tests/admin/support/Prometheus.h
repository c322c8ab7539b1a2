// SPDX-License-Identifier: MIT
// A small parser of the Prometheus text exposition format (version 0.0.4): # HELP and
// # TYPE lines, samples `name{label="value",...} value [timestamp]` with the escapes \\ \"
// \n in label values, and +Inf/-Inf/NaN. It also checks the rules a scraper relies on and
// reports each broken one in problems(): names and label names well formed, a family's
// TYPE given once and before its samples, no sample twice, histogram buckets cumulative
// with le="+Inf" equal to _count.
#pragma once

#include <QByteArray>
#include <QList>
#include <QMap>
#include <QString>
#include <QStringList>
#include <optional>

namespace fcadmin {

using Labels = QMap<QString, QString>;

struct Sample
{
    QString name;
    Labels labels;
    double value = 0;
    QString describe() const; // name{a="b"} value
};

class PrometheusText
{
public:
    // Parses the whole text; false when a line cannot be parsed at all (error() says which).
    bool parse(const QByteArray &text);
    QString error() const { return m_error; }
    // Rule violations found while parsing (empty: none).
    QStringList problems() const { return m_problems; }

    const QList<Sample> &samples() const { return m_samples; }
    QString type(const QString &family) const { return m_types.value(family); }
    QString help(const QString &family) const { return m_helps.value(family); }
    QStringList families() const { return m_types.keys(); }

    // The sample with exactly these labels.
    std::optional<double> value(const QString &name, const Labels &labels = {}) const;
    // value() or 0 when there is no such sample (a counter not yet incremented).
    double valueOr0(const QString &name, const Labels &labels = {}) const { return value(name, labels).value_or(0); }
    // Samples of `name` whose labels include all of `subset`.
    QList<Sample> matching(const QString &name, const Labels &subset = {}) const;
    // Sum of matching().
    double sum(const QString &name, const Labels &subset = {}) const;

private:
    void checkHistograms();

    QList<Sample> m_samples;
    QMap<QString, QString> m_types;
    QMap<QString, QString> m_helps;
    QStringList m_problems;
    QString m_error;
};

} // namespace fcadmin
