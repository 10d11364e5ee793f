/** Message markers shared by the wiring (which writes them) and the score (which reads them). */

/** Message prefix of a finding produced when a rule threw; always advisory. */
export const COULD_NOT_EVALUATE = "rule could not evaluate:";

/** Message prefix of a "cannot tell yet" finding (a value the rule needs is unknown at preview); always advisory. */
export const CANNOT_TELL_YET = "cannot tell yet:";
