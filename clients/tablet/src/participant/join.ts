/** The JoinSession a guest sends from the join form (docs/protocol.md): what they typed and
 *  chose, and their personal key only when they asked to be recognised from one session of the
 *  programme to the next. Pure, so that what leaves the device is tested as it is built. */

export interface JoinFields {
  pseudonym: string;
  territory: string;
  role: string;
  stays_seated: boolean;
  consent: boolean;
  /** « Me reconnaître d'une séance à l'autre du programme »: unticked unless they tick it */
  remember: boolean;
}

export interface JoinData {
  pseudonym: string;
  territory: string;
  role: string;
  stays_seated: boolean;
  consent: boolean;
  person?: string;
}

/** The command's data. `person` is asked for (and so made and kept) only when `remember` is
 *  ticked; otherwise the command carries no `person` at all. */
export function joinData(fields: JoinFields, person: () => string): JoinData {
  const data: JoinData = {
    pseudonym: fields.pseudonym.trim(),
    territory: fields.territory,
    role: fields.role,
    stays_seated: fields.stays_seated,
    consent: fields.consent,
  };
  if (fields.remember) data.person = person();
  return data;
}
