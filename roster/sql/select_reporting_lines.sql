SELECT person_id, manager_id FROM reporting_lines WHERE manager_id IS NOT NULL;
