/**
 * RC-9: certificates validate and names resolve. An ACM certificate validated by DNS stays PENDING_VALIDATION (and
 * an aws.acm.CertificateValidation times out) unless a validation CNAME for each of its domains exists in the zone
 * that serves the domain; Route 53 rejects a CNAME at a zone apex (RFC 1034: a CNAME cannot coexist with the
 * apex's SOA and NS records). A zone the program only refers to by id has no name a policy can see: whether a name
 * is its apex is then "cannot tell yet".
 */
import type { Finding, StackRule, Subject } from "../../common/finding";
import { arrayOf, isUnknown, objectOf } from "../../common/unknown";
import { coherence } from "./meta";
import { cannotTell } from "./model";

const ZONE = "aws:route53/zone:Zone";
const RECORD = "aws:route53/record:Record";
const CERT = "aws:acm/certificate:Certificate";
const VALIDATION = "aws:acm/certificateValidation:CertificateValidation";

const fqdn = (v: unknown): string | undefined => (typeof v === "string" && !isUnknown(v) && v !== "" ? v.replace(/\.$/, "").toLowerCase() : undefined);
const within = (name: string, zone: string): boolean => name === zone || name.endsWith(`.${zone}`);

function zoneOf(record: Subject, zones: readonly Subject[]): Subject | undefined {
  const deps = record.propertyDependencies?.zoneId ?? [];
  return zones.find((z) => deps.includes(z.urn) || (typeof record.props.zoneId === "string" && (record.props.zoneId === z.props.zoneId || record.props.zoneId === z.props.id)));
}

function apexFindings(records: readonly Subject[], zones: readonly Subject[]): Finding[] {
  return records.filter((r) => r.props.type === "CNAME").flatMap((r): Finding[] => {
    const name = fqdn(r.props.name);
    if (name === undefined) return isUnknown(r.props.name) ? [cannotTell(r, "name", "whether the CNAME sits at its zone's apex")] : [];
    if (name.startsWith("_")) return []; // underscore labels (validation, service records) are never a zone apex
    const zone = zoneOf(r, zones);
    const zoneName = fqdn(zone?.props.name);
    if (!zone || !zoneName) {
      const id = isUnknown(r.props.zoneId) ? "an unknown zone" : `zone ${String(r.props.zoneId)}`;
      return [{ subject: r, advisory: true, message: `cannot tell yet: CNAME ${name} (Route 53 record ${r.name}) goes to ${id}, which the program does not define, so whether it sits at the zone apex (which Route 53 rejects) is not judged; use an alias record, or define the zone in the program.` }];
    }
    return name === zoneName ? [{ subject: r, message: `Route 53 record ${r.name} is a CNAME at the apex of zone ${zoneName}, which Route 53 rejects; use an alias A/AAAA record to the load balancer instead.` }] : [];
  });
}

/** Records that carry this certificate's validation: computed from it, named like its validation options, or listed by its CertificateValidation. */
function validationRecords(cert: Subject, records: readonly Subject[], validations: readonly Subject[]): Subject[] {
  const options = arrayOf(cert.props.domainValidationOptions).map((o) => fqdn(objectOf(o)?.resourceRecordName)).filter((n): n is string => n !== undefined);
  const listed = validations.filter((v) => (v.propertyDependencies?.certificateArn ?? []).includes(cert.urn) || (typeof cert.props.arn === "string" && v.props.certificateArn === cert.props.arn));
  const listedNames = listed.flatMap((v) => arrayOf(v.props.validationRecordFqdns).map(fqdn));
  const listedDeps = listed.flatMap((v) => v.propertyDependencies?.validationRecordFqdns ?? []);
  return records.filter((r) => {
    const name = fqdn(r.props.name);
    const deps = [...(r.propertyDependencies?.name ?? []), ...(r.propertyDependencies?.records ?? [])];
    return deps.includes(cert.urn) || listedDeps.includes(r.urn) || (name !== undefined && (options.includes(name) || listedNames.includes(name)));
  });
}

function certFindings(cert: Subject, records: readonly Subject[], zones: readonly Subject[], validations: readonly Subject[]): Finding[] {
  if (cert.props.validationMethod !== "DNS") return [];
  const domains = [cert.props.domainName, ...arrayOf(cert.props.subjectAlternativeNames)].map(fqdn);
  if (domains.some((d) => d === undefined)) return [cannotTell(cert, "domainName/subjectAlternativeNames", "whether its validation records exist")];
  const found = validationRecords(cert, records, validations);
  const out: Finding[] = [];
  for (const domain of new Set(domains as string[])) {
    const base = domain.replace(/^\*\./, "");
    const mine = found.filter((r) => within(fqdn(r.props.name) ?? "", base));
    if (mine.length === 0) {
      // At a first preview the options are unknown, and so is the name of a record computed from them: such a record
      // (linked to this certificate by its dependencies) may well be the one, so that is "cannot tell yet", not a miss.
      const unnamed = found.some((r) => fqdn(r.props.name) === undefined && isUnknown(r.props.name));
      out.push((isUnknown(cert.props.domainValidationOptions) && found.length === 0) || unnamed
        ? cannotTell(cert, unnamed ? "the validation record's name" : "domainValidationOptions", `whether ${domain} gets a validation record`)
        : { subject: cert, message: `ACM certificate ${cert.name} is validated by DNS but no Route 53 record of the program carries the validation CNAME for ${domain}, so it stays PENDING_VALIDATION; create the record from domainValidationOptions in the zone of ${domain}.` });
      continue;
    }
    for (const r of mine) {
      const zoneName = fqdn(zoneOf(r, zones)?.props.name);
      if (zoneName && !within(base, zoneName)) out.push({ subject: r, message: `Route 53 record ${r.name} validates ${domain} for ACM certificate ${cert.name} but is written to zone ${zoneName}, which does not serve ${domain}, so validation never completes; write it to the hosted zone of ${domain}.` });
    }
  }
  return out;
}

export const certificatesAndNames: StackRule = {
  meta: coherence(
    "RC-9",
    "certificates-and-names",
    "ACM validation records are in the zone that serves the domain, and no CNAME sits at a zone apex",
    "high",
    "Create each certificate's validation CNAME in the hosted zone of its domain, and use alias records at a zone apex.",
  ),
  check(resources) {
    const zones = resources.filter((r) => r.type === ZONE);
    const records = resources.filter((r) => r.type === RECORD);
    const validations = resources.filter((r) => r.type === VALIDATION);
    return [...resources.filter((r) => r.type === CERT).flatMap((c) => certFindings(c, records, zones, validations)), ...apexFindings(records, zones)];
  },
};
