/** Marketo's standard activity types (marketo-api-notes.md §5.2) and the export filter groups. */

/** Custom activity types are numbered from here up. */
export const FIRST_CUSTOM_TYPE_ID = 100001;

export interface AttributeDef {
  name: string;
  dataType: string;
}

export interface ActivityType {
  id: number;
  name: string;
  description: string;
  primaryAttribute: AttributeDef;
  attributes: AttributeDef[];
}

const s = (name: string): AttributeDef => ({ name, dataType: 'string' });
const i = (name: string): AttributeDef => ({ name, dataType: 'integer' });
const b = (name: string): AttributeDef => ({ name, dataType: 'boolean' });
const t = (name: string): AttributeDef => ({ name, dataType: 'text' });

const WEB = [s('Client IP Address'), s('Query Parameters'), s('Referrer URL'), s('User Agent')];
const EMAIL = [i('Campaign Run ID'), s('Choice Number'), i('Step ID')];
const mailing = (description: string, extra: AttributeDef[] = []): Omit<ActivityType, 'id' | 'name'> => ({
  description,
  primaryAttribute: { name: 'Mailing ID', dataType: 'integer' },
  attributes: [...EMAIL, ...extra],
});

type Row = [number, string, Omit<ActivityType, 'id' | 'name'>];
const generic = (description: string, primary: AttributeDef, attributes: AttributeDef[] = []) => ({
  description,
  primaryAttribute: primary,
  attributes,
});

const ROWS: Row[] = [
  [1, 'Visit Webpage', generic('User visits a web page', i('Webpage ID'), [...WEB, s('Webpage URL'), s('Search Engine'), s('Search Query'), s('Token')])],
  [2, 'Fill Out Form', generic('User fills out and submits form on web page', i('Webform ID'), [...WEB, t('Form Fields'), i('Webpage ID')])],
  [3, 'Click Link', generic('User clicks link on a page', i('Link ID'), [...WEB, s('Webpage ID')])],
  [6, 'Send Email', mailing('Send Marketo Email to a person')],
  [7, 'Email Delivered', mailing('Marketo Email is delivered to a person')],
  [8, 'Email Bounced', mailing('Marketo Email bounces for a person', [s('Category'), s('Details'), s('Email'), s('Subcategory')])],
  [9, 'Unsubscribe Email', mailing('Person unsubscribes from Marketo Emails', [...WEB, s('Webpage ID')])],
  [10, 'Open Email', mailing('User opens Marketo Email', [s('Device'), b('Is Mobile Device'), s('Platform'), s('User Agent')])],
  [11, 'Click Email', mailing('User clicks on a link in a Marketo Email', [s('Device'), b('Is Mobile Device'), s('Link'), s('Platform'), s('User Agent')])],
  [12, 'New Lead', generic('New person/record is added to the lead database', i('Lead ID'), [s('Source Type'), s('Form Name'), s('Lead Source'), s('List Name'), s('SFDC Type'), s('Created Date')])],
  [13, 'Change Data Value', generic("Changed attribute value for a person", i('Attribute Name'), [s('New Value'), s('Old Value'), s('Reason'), s('Source')])],
  [19, 'Sync Lead to SFDC', generic('Person is synchronized to SFDC', i('Lead ID'))],
  [21, 'Convert Lead', generic('Convert a person', i('Lead ID'))],
  [22, 'Change Score', generic("Changed score for a person", i('Score Name'), [s('Change Value'), i('New Value'), i('Old Value'), s('Reason')])],
  [23, 'Change Owner', generic('Changed owner for a person', i('Owner ID'), [s('Old Owner'), s('New Owner')])],
  [24, 'Add to List', generic('Person is added to a list', i('List ID'), [s('Source')])],
  [25, 'Remove from List', generic('Person is removed from a list', i('List ID'), [s('Source')])],
  [26, 'SFDC Activity', generic('Person has an SFDC activity', s('Subject'))],
  [27, 'Email Bounced Soft', mailing('Marketo Email soft bounces for a person', [s('Category'), s('Details'), s('Email'), s('Subcategory')])],
  [29, 'Delete Lead from SFDC', generic('Person is deleted from SFDC', i('Lead ID'))],
  [30, 'SFDC Activity Updated', generic('SFDC activity is updated', s('Subject'))],
  [32, 'Merge Leads', generic('Merge two or more persons', i('Lead ID'), [s('Lead IDs'), s('Merge Source'), s('Master Updated')])],
  [34, 'Add to Opportunity', generic('Person is added to an opportunity', i('Opportunity ID'), [s('Role')])],
  [35, 'Remove from Opportunity', generic('Person is removed from an opportunity', i('Opportunity ID'))],
  [36, 'Update Opportunity', generic('Opportunity is updated', i('Opportunity ID'), [s('Data Value Changes')])],
  [37, 'Delete Lead', generic('Delete a person (not exportable)', i('Lead ID'), [b('Remove from CRM')])],
  [38, 'Send Alert', generic('Send alert', i('Mailing ID'), [s('Send To Owner'), s('Send To Smart List')])],
  [39, 'Send Sales Email', generic('Send sales email', i('Mailing ID'))],
  [40, 'Open Sales Email', generic('Open sales email', i('Mailing ID'))],
  [41, 'Click Sales Email', generic('Click sales email', i('Mailing ID'), [s('Link')])],
  [42, 'Add to SFDC Campaign', generic('Add to SFDC campaign', i('Campaign ID'), [s('Status')])],
  [43, 'Remove from SFDC Campaign', generic('Remove from SFDC campaign', i('Campaign ID'))],
  [44, 'Change Status in SFDC Campaign', generic('Change status in SFDC campaign', i('Campaign ID'), [s('New Status'), s('Old Status')])],
  [45, 'Receive Sales Email', generic('Receive sales email', i('Mailing ID'))],
  [46, 'Interesting Moment', generic('Interesting moment', s('Type'), [s('Description'), s('Source')])],
  [47, 'Request Campaign', generic('Request campaign', i('Campaign ID'), [s('Source')])],
  [48, 'Sales Email Bounced', generic('Sales email bounced', i('Mailing ID'))],
  [100, 'Change Lead Partition', generic('Change lead partition', i('Lead Partition ID'), [s('Old Partition ID'), s('New Partition ID')])],
  [101, 'Change Revenue Stage', generic('Change revenue stage', i('Model ID'), [s('New Stage'), s('Old Stage')])],
  [102, 'Change Revenue Stage Manually', generic('Change revenue stage manually', i('Model ID'), [s('New Stage'), s('Old Stage')])],
  [104, 'Change Status in Progression', generic('Change a status in a progression', i('Program ID'), [
    s('Reason'), i('Program Member ID'), b('Acquired By'), s('Old Status'), i('New Status ID'), b('Success'), s('New Status'), i('Old Status ID'),
  ])],
  [106, 'Enrich with Data.com', generic('Enrich with Data.com', i('Lead ID'))],
  [108, 'Change Segment', generic('Change segment', i('Segmentation ID'), [s('New Segment'), s('Old Segment')])],
  [110, 'Call Webhook', generic('Call a webhook', i('Webhook ID'), [s('Response')])],
  [111, 'Sent Forward to Friend Email', generic('Sent forward to friend email', i('Mailing ID'))],
  [112, 'Received Forward to Friend Email', generic('Received forward to friend email', i('Mailing ID'))],
  [113, 'Add to Nurture', generic('Add to a nurture program', i('Program ID'), [s('Track Name')])],
  [114, 'Change Nurture Track', generic('Change nurture track', i('Program ID'), [s('Previous Track'), s('New Track')])],
  [115, 'Change Nurture Cadence', generic('Change nurture cadence', i('Program ID'), [s('New Nurture Cadence')])],
  [145, 'Push Lead to Marketo', generic('Push a person to Marketo', i('Lead ID'), [s('Source')])],
  [400, 'Share Content', generic('Share content', i('Social App ID'))],
  [401, 'Vote in Poll', generic('Vote in poll', i('Social App ID'))],
  [402, 'Sign Up for Referral Offer', generic('Sign up for referral offer', i('Social App ID'))],
  [403, 'Achieve Goal in Referral', generic('Achieve goal in referral', i('Social App ID'))],
  [405, 'Click Shared Link', generic('Click shared link', i('Social App ID'))],
  [406, 'Win Sweepstakes', generic('Win sweepstakes', i('Social App ID'))],
  [407, 'Enter Sweepstakes', generic('Enter sweepstakes', i('Social App ID'))],
  [408, 'Disqualify Sweepstakes', generic('Disqualify sweepstakes', i('Social App ID'))],
  [409, 'Earn Entry in Social App', generic('Earn entry in social app', i('Social App ID'))],
  [410, 'Refer to Social App', generic('Refer to social app', i('Social App ID'))],
];

export const STANDARD_ACTIVITY_TYPES: readonly ActivityType[] = ROWS.map(([id, name, rest]) => ({ id, name, ...rest }));

export const DELETE_LEAD_TYPE_ID = 37;

/**
 * The six types whose primary attribute can be filtered, grouped as Marketo groups them: one job's
 * `activityTypeIds` must stay inside one group when a primary attribute filter is used.
 */
export const ASSET_GROUPS: Readonly<Record<string, readonly number[]>> = {
  'Web Form': [2],
  'Attribute Name': [13, 22],
  'Static List': [24, 25],
  'Marketing Program': [104],
};

export function assetGroupOf(typeId: number): string | undefined {
  return Object.entries(ASSET_GROUPS).find(([, ids]) => ids.includes(typeId))?.[0];
}
