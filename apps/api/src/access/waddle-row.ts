import type { Waddles } from '@waddle/central-schema/database';
import type { Selectable } from 'kysely';

/** The columns of a waddle's registry row that the API reads. */
type ShownColumn =
  | 'id'
  | 'name'
  | 'display_name'
  | 'description'
  | 'icon_url'
  | 'owner_id'
  | 'is_public'
  | 'member_count'
  | 'created_at'
  | 'd1_database_id'
  | 'd1_binding';

/** A waddle's registry row, as the API shows it: typed from the generated central schema. */
export type WaddleRow = Readonly<Pick<Selectable<Waddles>, ShownColumn>>;
