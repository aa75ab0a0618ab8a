/** The mark of a required field, inside its label (so that it is part of the field's name):
 *  the word « obligatoire », never a lone asterisk. The field itself says aria-required. */
import { t } from '../i18n';

export function Required() {
  return <span class="mk-required"> {t('common.required')}</span>;
}
